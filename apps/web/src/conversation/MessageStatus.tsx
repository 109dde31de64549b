import type { ChatMessage, MessageActions } from '@confab/react';
import { NameList } from '../ui/NameList';
import type { SeenBy } from './use-seen-by';

/** Under a message: "Sending…", "Not sent" with Retry and Discard, or "Seen by …". */
export function MessageStatus(props: {
  message: ChatMessage;
  seenBy: SeenBy | null;
  actions: MessageActions;
}) {
  const { message, actions } = props;
  if (message.status === 'pending') {
    return (
      <span className="message-status" data-testid="message-status">
        Sending…
      </span>
    );
  }
  if (message.status === 'failed') {
    return (
      <div className="message-status failed" data-testid="message-status">
        <span>Not sent{message.error ? `: ${message.error}` : ''}</span>
        <button type="button" className="link" onClick={() => actions.retry(message.clientMsgId)}>
          Retry
        </button>
        <button type="button" className="link" onClick={() => actions.discard(message.clientMsgId)}>
          Discard
        </button>
      </div>
    );
  }
  if (props.seenBy) {
    return (
      <span className="message-status seen" data-testid="seen-by">
        {props.seenBy.readers === null ? (
          'Seen'
        ) : (
          <>
            Seen by <NameList names={props.seenBy.readers} />
          </>
        )}
      </span>
    );
  }
  return null;
}
