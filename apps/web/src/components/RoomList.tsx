import type { RoomSummary } from '@confab/contracts';
import { roomTitle } from '../lib/format';

function preview(summary: RoomSummary): string {
  const last = summary.lastMessage;
  if (!last) return 'No messages yet';
  return last.deletedAt === null ? last.body : 'Message deleted';
}

export function RoomList(props: {
  rooms: RoomSummary[] | null;
  selectedId: string | null;
  onSelect: (roomId: string) => void;
}) {
  const { rooms } = props;
  return (
    <nav aria-labelledby="my-rooms-title" className="section">
      <h2 id="my-rooms-title">My rooms</h2>
      {rooms === null && <p className="muted">Loading…</p>}
      {rooms?.length === 0 && <p className="muted">You are not in any room yet.</p>}
      <ul className="rooms">
        {rooms?.map((summary) => {
          const { id } = summary.room;
          const title = roomTitle(summary);
          const unread = id === props.selectedId ? 0 : summary.unreadCount;
          return (
            <li key={id}>
              {/* Named by the room alone; the preview and the count describe it. */}
              <button
                type="button"
                className="room"
                aria-label={title}
                aria-describedby={`room-${id}-info`}
                aria-current={id === props.selectedId ? 'true' : undefined}
                onClick={() => props.onSelect(id)}
              >
                <span className="room-name">{title}</span>
                <span id={`room-${id}-info`} className="room-info">
                  {unread > 0 && (
                    <span className="badge" data-testid="unread">
                      {unread}
                      <span className="visually-hidden"> unread</span>
                    </span>
                  )}
                  <span className="preview">{preview(summary)}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
