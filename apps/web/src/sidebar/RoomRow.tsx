import type { PresenceStatus, RoomSummary } from '@confab/contracts';
import { messageGist } from '@confab/contracts';
import { useCurrentUser } from '@confab/react';
import type { ReactNode } from 'react';
import { formatShort, roomTitle } from '../lib/format';
import { routeHref } from '../lib/use-route';
import { Avatar } from '../ui/Avatar';
import { Icon } from '../ui/Icon';

/** The row's second line; user-written text in a <bdi>, so it cannot reorder "You:". */
function preview(summary: RoomSummary, meId: string): ReactNode {
  const last = summary.lastMessage;
  if (!last) return summary.room.topic ? <bdi>{summary.room.topic}</bdi> : 'No messages yet';
  if (last.deletedAt !== null) return 'Message deleted';
  const body = <bdi>{messageGist(last)}</bdi>;
  return last.authorId === meId ? <>You: {body}</> : body;
}

/** One room in the sidebar: a link named by the room, described by its preview and count. */
export function RoomRow(props: {
  summary: RoomSummary;
  selected: boolean;
  presence: PresenceStatus | undefined;
  muted: boolean;
}) {
  const me = useCurrentUser();
  const { summary, selected } = props;
  const { room } = summary;
  const title = roomTitle(summary);
  // The open room's count too: its messages count as read as they are seen, not on opening.
  const unread = summary.unreadCount;
  const infoId = `room-${room.id}-info`;
  const symbol =
    room.kind === 'public' ? (
      <Icon name="hash" />
    ) : room.kind === 'private' ? (
      <Icon name="lock" />
    ) : undefined;
  return (
    <li>
      <a
        className={unread > 0 ? 'room-row unread' : 'room-row'}
        href={routeHref({ name: 'room', roomId: room.id })}
        aria-label={title}
        aria-describedby={infoId}
        aria-current={selected ? 'page' : undefined}
        data-testid="room-row"
      >
        <Avatar
          id={summary.peer?.id ?? room.id}
          name={title}
          symbol={symbol}
          presence={props.presence}
          avatarVersion={summary.peer?.avatarVersion}
        />
        <span className="room-row-text">
          <span className="room-row-top">
            <span className="room-name">
              <bdi>{title}</bdi>
            </span>
            <time className="room-time" dateTime={new Date(room.lastActivityAt).toISOString()}>
              {formatShort(summary.lastMessage?.createdAt ?? room.lastActivityAt)}
            </time>
          </span>
          <span id={infoId} className="room-row-bottom">
            <span className="preview" data-testid="preview">
              {preview(summary, me.id)}
            </span>
            {props.muted && (
              <span className="muted-room" title="Notifications muted" data-testid="muted">
                <Icon name="bell-off" />
                <span className="visually-hidden">Muted</span>
              </span>
            )}
            {unread > 0 && (
              <span className="badge" data-testid="unread">
                {unread}
                <span className="visually-hidden"> unread</span>
              </span>
            )}
          </span>
        </span>
      </a>
    </li>
  );
}
