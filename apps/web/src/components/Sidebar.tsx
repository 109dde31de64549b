import type { RoomSummary, User } from '@confab/contracts';
import type { StreamStatus } from '../lib/use-event-stream';
import { Alert } from './Alert';
import { CreateRoomForm } from './CreateRoomForm';
import { OpenDirectForm } from './OpenDirectForm';
import { PublicRooms } from './PublicRooms';
import { RoomList } from './RoomList';

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  error: 'Disconnected',
};

export function Sidebar(props: {
  user: User;
  rooms: RoomSummary[] | null;
  roomsError: string | null;
  selectedId: string | null;
  streamStatus: StreamStatus;
  streamError: string | null;
  onOpenRoom: (roomId: string) => void;
  onSignOut: () => Promise<void>;
}) {
  const { rooms, onOpenRoom } = props;
  return (
    <aside className="sidebar">
      <header className="me">
        <div>
          <strong>{props.user.displayName}</strong>
          <span className="muted">@{props.user.username}</span>
        </div>
        <output className={`status status-${props.streamStatus}`} aria-label="Connection">
          {STATUS_TEXT[props.streamStatus]}
        </output>
        <button type="button" onClick={() => void props.onSignOut()}>
          Sign out
        </button>
      </header>
      <Alert message={props.streamError ?? props.roomsError} />
      <RoomList rooms={rooms} selectedId={props.selectedId} onSelect={onOpenRoom} />
      <CreateRoomForm onCreated={onOpenRoom} />
      <OpenDirectForm onOpened={onOpenRoom} />
      <PublicRooms
        memberOf={new Set(rooms?.map((r) => r.room.id) ?? [])}
        onJoined={onOpenRoom}
      />
    </aside>
  );
}
