import { useNotificationLevels, usePresence, useRooms } from '@confab/react';
import { useMemo } from 'react';
import { isUnreachableMessage, UNREACHABLE_MESSAGE } from '../lib/unreachable';
import { Alert } from '../ui/Alert';
import { RoomRow } from './RoomRow';
import { useRoomsRetry } from './use-rooms-retry';

/** The user's rooms, latest activity first, with unread counts and last-message previews. */
export function RoomList(props: { selectedId: string | null }) {
  const { rooms, error, refresh } = useRooms();
  useRoomsRetry(error !== null, refresh);
  const peerIds = useMemo(() => (rooms ?? []).flatMap((s) => (s.peer ? [s.peer.id] : [])), [rooms]);
  const presence = usePresence(peerIds);
  const { levels } = useNotificationLevels();
  return (
    <nav className="room-list" aria-labelledby="room-list-title">
      <h2 id="room-list-title" className="section-title">
        Conversations
      </h2>
      <Alert message={isUnreachableMessage(error) ? UNREACHABLE_MESSAGE : error} />
      {rooms === null && !error && <p className="muted pad">Loading…</p>}
      {rooms?.length === 0 && (
        <p className="muted pad">No conversations yet. Browse public rooms or start one.</p>
      )}
      <ul>
        {rooms?.map((summary) => (
          <RoomRow
            key={summary.room.id}
            summary={summary}
            selected={summary.room.id === props.selectedId}
            muted={levels.has(summary.room.id)}
            presence={summary.peer ? presence.get(summary.peer.id)?.status : undefined}
          />
        ))}
      </ul>
    </nav>
  );
}
