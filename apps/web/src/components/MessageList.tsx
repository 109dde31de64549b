import type { Member, Message } from '@confab/contracts';
import { useLayoutEffect, useRef } from 'react';
import { MessageItem } from './MessageItem';

/** How close to the bottom (px) still counts as "following" the conversation. */
const FOLLOW_THRESHOLD_PX = 48;

export function MessageList(props: {
  messages: Message[];
  members: ReadonlyMap<string, Member>;
  meId: string;
  loaded: boolean;
  hasMore: boolean;
  onLoadOlder: () => Promise<void>;
}) {
  const { messages } = props;
  const logRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const newestSeq = messages.at(-1)?.seq;

  // New messages scroll into view unless the reader has scrolled up to read older ones.
  useLayoutEffect(() => {
    const log = logRef.current;
    if (log && newestSeq !== undefined && following.current) log.scrollTop = log.scrollHeight;
  }, [newestSeq]);

  const onScroll = () => {
    const log = logRef.current;
    if (!log) return;
    following.current = log.scrollHeight - log.scrollTop - log.clientHeight < FOLLOW_THRESHOLD_PX;
  };

  return (
    <div
      ref={logRef}
      className="log"
      role="log"
      aria-label="Messages"
      aria-busy={!props.loaded}
      onScroll={onScroll}
    >
      {props.hasMore && (
        <button type="button" className="link older" onClick={() => void props.onLoadOlder()}>
          Load earlier messages
        </button>
      )}
      {props.loaded && messages.length === 0 && (
        <p className="muted empty">No messages yet. Say hello!</p>
      )}
      <ol className="messages">
        {messages.map((message) => (
          <MessageItem
            key={message.seq}
            message={message}
            author={props.members.get(message.authorId)}
            mine={message.authorId === props.meId}
          />
        ))}
      </ol>
    </div>
  );
}
