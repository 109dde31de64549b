import { usePublicRooms, useRooms } from '@confab/react';
import { useEffect, useState } from 'react';
import { formatShort } from '../lib/format';
import { useAction } from '../lib/use-action';
import { Alert } from '../ui/Alert';
import { Avatar } from '../ui/Avatar';
import { Icon } from '../ui/Icon';
import { Panel } from './Panel';

/** Typing settles for this long before the list is searched. */
const SEARCH_DELAY_MS = 250;

export function BrowseRooms(props: { onBack: () => void; onOpen: (roomId: string) => void }) {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQuery(text), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const { data: rooms, error, loading, join } = usePublicRooms(query);
  const mine = useRooms().rooms;
  const memberOf = new Set(mine?.map((s) => s.room.id));
  const joining = useAction();

  const joinRoom = (roomId: string) =>
    joining.run(async () => {
      await join(roomId);
      props.onOpen(roomId);
    });

  return (
    <Panel title="Browse public rooms" onBack={props.onBack}>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(text);
        }}
      >
        <label className="field">
          <span>Search public rooms</span>
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Room name"
          />
        </label>
      </form>
      <Alert message={error ?? joining.error} />
      {rooms?.length === 0 && !loading && (
        <p className="muted">
          {query.trim() ? `No public room matches “${query.trim()}”.` : 'No public rooms yet.'}
        </p>
      )}
      <ul className="public-rooms" aria-busy={loading}>
        {rooms?.map((room) => (
          <li key={room.id} className="public-room">
            <Avatar id={room.id} name={room.name} symbol={<Icon name="hash" />} />
            <div className="public-room-text">
              <span className="room-name">
                <bdi>{room.name}</bdi>
              </span>
              {room.topic && (
                <span className="muted">
                  <bdi>{room.topic}</bdi>
                </span>
              )}
              {/* Names are not unique: members and activity tell same-named rooms apart. */}
              <span className="muted" data-testid="public-room-facts">
                {room.memberCount === 1 ? '1 member' : `${room.memberCount} members`} · Active{' '}
                {formatShort(room.lastActivityAt)}
              </span>
            </div>
            {memberOf.has(room.id) ? (
              <button
                type="button"
                aria-label={`Open ${room.name}`}
                onClick={() => props.onOpen(room.id)}
              >
                Open
              </button>
            ) : (
              <button
                type="button"
                className="primary"
                aria-label={`Join ${room.name}`}
                disabled={joining.busy}
                onClick={() => void joinRoom(room.id)}
              >
                Join
              </button>
            )}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
