import type { MentionsPage } from '@confab/contracts';
import { useChatClient, useCurrentUser, useMentions, useRooms } from '@confab/react';
import { useMemo } from 'react';
import { AuthorName } from '../chat/AuthorName';
import { createAuthorNames } from '../chat/author-names';
import { MentionSpan } from '../conversation/markdown/MentionSpan';
import { splitMentions } from '../conversation/markdown/mentions';
import { formatDay, formatTime, previewText, roomTitle } from '../lib/format';
import { routeHref } from '../lib/use-route';
import { Alert } from '../ui/Alert';
import { Panel } from './Panel';

type Mention = MentionsPage['mentions'][number];

/** How much of a message a mention shows (the room has the rest). */
const PREVIEW_CHARS = 280;

/**
 * Where the user was mentioned, newest first: room, author, time and text. Each opens its room
 * at that message (the message-link route).
 */
export function MentionsPanel(props: { onBack: () => void }) {
  const { mentions, hasMore, loading, error, more } = useMentions();
  const me = useCurrentUser();
  return (
    <Panel title="Mentions" onBack={props.onBack}>
      <Alert message={error} />
      {mentions?.length === 0 && (
        <p className="muted" role="status">
          Nobody has mentioned you yet. When someone writes @{me.username} or @room, it shows here.
        </p>
      )}
      {mentions && mentions.length > 0 && <MentionList mentions={mentions} busy={loading} />}
      {hasMore && (
        <button type="button" disabled={loading} onClick={() => void more()}>
          Older mentions
        </button>
      )}
    </Panel>
  );
}

function MentionList(props: { mentions: readonly Mention[]; busy: boolean }) {
  const client = useChatClient();
  const me = useCurrentUser();
  const rooms = useRooms().rooms;
  const authorName = useMemo(() => createAuthorNames(client), [client]);
  const myName = me.username.toLowerCase();
  const isMe = (name: string) => name === 'room' || name === myName;
  const titleOf = ({ room }: Mention) => {
    const summary = rooms?.find((s) => s.room.id === room.id);
    if (summary) return roomTitle(summary);
    return room.kind === 'direct' ? 'Direct message' : room.name;
  };
  return (
    <ol className="mention-list" aria-busy={props.busy} aria-label="Mentions">
      {props.mentions.map((mention) => {
        const { message, room } = mention;
        return (
          <li key={message.id}>
            <a
              className="mention-item"
              data-testid="mention-item"
              href={routeHref({ name: 'room', roomId: room.id, messageId: message.id })}
            >
              <span className="mention-item-meta">
                <span className="room-name">
                  <bdi>{titleOf(mention)}</bdi>
                </span>
                <span className="muted">
                  <AuthorName
                    resolve={authorName}
                    roomId={room.id}
                    userId={message.authorId}
                    testId="mention-author"
                  />
                  {' · '}
                  <time dateTime={new Date(message.createdAt).toISOString()}>
                    {formatDay(message.createdAt)} {formatTime(message.createdAt)}
                  </time>
                </span>
              </span>
              <span className="mention-item-text" dir="auto">
                {splitMentions(previewText(message.body, PREVIEW_CHARS), isMe).map((part, i) =>
                  part.kind === 'mention' ? (
                    <MentionSpan key={i} part={part} me />
                  ) : (
                    <span key={i}>{part.text}</span>
                  ),
                )}
              </span>
            </a>
          </li>
        );
      })}
    </ol>
  );
}
