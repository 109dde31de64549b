import type { Transport } from '@confab/client';
import type { RoomSummary, User } from '@confab/contracts';
import type { StreamStatus } from '../lib/use-event-stream';
import { Alert } from './Alert';
import { CreateRoomForm } from './CreateRoomForm';
import { OpenDirectForm } from './OpenDirectForm';
import { PublicRooms } from './PublicRooms';
import { RoomList } from './RoomList';

const TRANSPORT_NAMES: Record<Transport, string> = {
  ws: 'WebSocket',
  sse: 'SSE',
  poll: 'long polling',
};

function statusText({ state, transport }: StreamStatus): string {
  switch (state) {
    case 'connected':
      return transport ? `Live over ${TRANSPORT_NAMES[transport]}` : 'Live';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'offline':
      return 'Offline';
    case 'closed':
      return 'Disconnected';
  }
}

export function Sidebar(props: {
  user: User;
  rooms: RoomSummary[] | null;
  roomsError: string | null;
  selectedId: string | null;
  streamStatus: StreamStatus;
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
        <output
          className={`status status-${props.streamStatus.state}`}
          aria-label="Connection"
          title={props.streamStatus.error ?? undefined}
        >
          {statusText(props.streamStatus)}
        </output>
        <button type="button" onClick={() => void props.onSignOut()}>
          Sign out
        </button>
      </header>
      <Alert message={props.roomsError} />
      <RoomList rooms={rooms} selectedId={props.selectedId} onSelect={onOpenRoom} />
      <CreateRoomForm onCreated={onOpenRoom} />
      <OpenDirectForm onOpened={onOpenRoom} />
      <PublicRooms memberOf={new Set(rooms?.map((r) => r.room.id) ?? [])} onJoined={onOpenRoom} />
    </aside>
  );
}
