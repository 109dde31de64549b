import { useMutedRooms, usePresence, useRooms } from '@confab/react';
import { useMemo } from 'react';
import { Alert } from '../ui/Alert';
import { RoomRow } from './RoomRow';

/** The user's rooms, latest activity first, with unread counts and last-message previews. */
export function RoomList(props: { selectedId: string | null }) {
  const { rooms, error } = useRooms();
  const peerIds = useMemo(() => (rooms ?? []).flatMap((s) => (s.peer ? [s.peer.id] : [])), [rooms]);
  const presence = usePresence(peerIds);
  const { muted } = useMutedRooms();
  return (
    <nav className="room-list" aria-labelledby="room-list-title">
      <h2 id="room-list-title" className="section-title">
        Conversations
      </h2>
      <Alert message={error} />
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
            muted={muted.has(summary.room.id)}
            presence={summary.peer ? presence.get(summary.peer.id)?.status : undefined}
          />
        ))}
      </ul>
    </nav>
  );
}
