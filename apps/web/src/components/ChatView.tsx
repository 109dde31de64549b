import type { User } from '@confab/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useChatClient } from '../lib/chat-client';
import { createEventHub } from '../lib/event-hub';
import { useEventStream } from '../lib/use-event-stream';
import { useRooms } from '../lib/use-rooms';
import { Conversation } from './Conversation';
import { Sidebar } from './Sidebar';

/** The signed-in app: the sidebar, the open room, and the one event stream feeding both. */
export function ChatView(props: { user: User; onSignedOut: (notice: string | null) => void }) {
  const { user, onSignedOut } = props;
  const client = useChatClient();
  const [hub] = useState(createEventHub);
  const rooms = useRooms();
  const { scheduleRefresh } = rooms;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const signingOut = useRef(false);

  const stream = useEventStream({
    onEvent: (event) => {
      hub.emit(event);
      scheduleRefresh();
      const leftRoom =
        (event.type === 'member.left' || event.type === 'member.removed') &&
        event.userId === user.id;
      if (leftRoom) setSelectedId((current) => (current === event.roomId ? null : current));
    },
    onReadUpdated: scheduleRefresh,
    onSignedOut: () => {
      // Our own sign-out also ends the stream's session; that is not news to the user.
      if (!signingOut.current) onSignedOut('Your session has ended. Please sign in again.');
    },
  });

  // After the stream (re)starts, counts and previews may be stale.
  useEffect(() => {
    if (stream.generation > 0) scheduleRefresh();
  }, [stream.generation, scheduleRefresh]);

  const openRoom = useCallback(
    (roomId: string) => {
      setSelectedId(roomId);
      void rooms.refresh();
    },
    [rooms.refresh],
  );

  const signOut = async () => {
    signingOut.current = true;
    try {
      await client.api.auth.logout.mutate();
    } catch {
      // Signed out already (expired, revoked): the app resets the same way.
    }
    onSignedOut(null);
  };

  const summary = rooms.rooms?.find((r) => r.room.id === selectedId);
  return (
    <div className="layout" data-view={selectedId ? 'room' : 'list'}>
      <Sidebar
        user={user}
        rooms={rooms.rooms}
        roomsError={rooms.error}
        selectedId={selectedId}
        streamStatus={stream.status}
        onOpenRoom={openRoom}
        onSignOut={signOut}
      />
      <main className="pane">
        {selectedId ? (
          <Conversation
            key={selectedId}
            roomId={selectedId}
            summary={summary}
            me={user}
            hub={hub}
            generation={stream.generation}
            onBack={() => setSelectedId(null)}
            onRead={scheduleRefresh}
          />
        ) : (
          <p className="empty">Choose a room, create one, or join a public room.</p>
        )}
      </main>
    </div>
  );
}
