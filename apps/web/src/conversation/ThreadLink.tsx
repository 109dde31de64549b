import type { ChatMessage } from '@confab/react';
import { formatShort } from '../lib/format';
import { useConversationTools } from './conversation-tools';

/**
 * Under a thread's root: "3 replies · 14:05", which opens the thread. Under a thread reply also
 * sent to the room: "Replied in a thread", which opens that thread.
 */
export function ThreadLink({ message }: { message: ChatMessage }) {
  const tools = useConversationTools();
  const { thread, id, threadId } = message;
  if (tools && threadId) {
    return (
      <button
        type="button"
        className="link thread-link"
        data-testid="in-thread-link"
        onClick={() => tools.openThread(threadId)}
      >
        Replied in a thread
      </button>
    );
  }
  if (!tools || !thread || !id) return null;
  const count = thread.replyCount === 1 ? '1 reply' : `${thread.replyCount} replies`;
  return (
    <button
      type="button"
      className="link thread-link"
      data-testid="thread-link"
      onClick={() => tools.openThread(id)}
      title={`Last reply by ${tools.nameOf(thread.lastReplyAuthorId)}`}
    >
      <span data-testid="thread-count">{count}</span>
      <span className="muted">
        {' · '}
        <time dateTime={new Date(thread.lastReplyAt).toISOString()}>
          {formatShort(thread.lastReplyAt)}
        </time>
      </span>
    </button>
  );
}
