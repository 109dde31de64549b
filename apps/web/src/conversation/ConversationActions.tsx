import { errorMessageOf } from '@confab/client';
import type { ChatMessage } from '@confab/react';
import { useState } from 'react';
import { Icon } from '../ui/Icon';
import { useConversationTools } from './conversation-tools';

/** Reply, Reply in thread, Add reaction and Pin/Unpin: the message menu's conversation actions. */
export function ConversationActions(props: { message: ChatMessage; onReact: () => void }) {
  const tools = useConversationTools();
  const [error, setError] = useState<string | null>(null);
  const { message } = props;
  const { id } = message;
  if (!tools || !id) return null;
  const pinned = message.pinned !== undefined;
  return (
    <>
      {error && (
        <span role="alert" className="menu-error">
          {error}
        </span>
      )}
      <button
        type="button"
        className="icon-button"
        aria-label="Add reaction"
        title="Add reaction"
        onClick={props.onReact}
      >
        <Icon name="smile" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Reply"
        title="Reply"
        onClick={() => tools.startReply(message)}
      >
        <Icon name="reply" />
      </button>
      {/* Threads do not nest: a thread reply shown in the room opens its own thread. */}
      <button
        type="button"
        className="icon-button"
        aria-label="Reply in thread"
        title="Reply in thread"
        onClick={() => tools.openThread(message.threadId ?? id)}
      >
        <Icon name="thread" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={pinned ? 'Unpin message' : 'Pin message'}
        title={pinned ? 'Unpin' : 'Pin'}
        aria-pressed={pinned}
        onClick={() => {
          setError(null);
          tools.pin(id, !pinned).catch((err: unknown) => setError(errorMessageOf(err)));
        }}
      >
        <Icon name="pin" />
      </button>
    </>
  );
}
