import type { Room } from '@confab/contracts';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useChatClient } from '../lib/chat-client';
import { useAction } from '../lib/use-action';
import { Alert } from './Alert';

/** Public rooms the user is not in yet, searchable by name, each with a Join button. */
export function PublicRooms(props: {
  memberOf: ReadonlySet<string>;
  onJoined: (roomId: string) => void;
}) {
  const client = useChatClient();
  const [query, setQuery] = useState('');
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const search = useAction();
  const join = useAction();

  const load = useCallback(
    (text: string) =>
      search.run(async () => {
        const trimmed = text.trim();
        setRooms(await client.api.room.listPublic.query(trimmed ? { query: trimmed } : {}));
      }),
    [client, search.run],
  );

  useEffect(() => {
    void load('');
  }, [load]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void load(query);
  };

  const joinRoom = (roomId: string) =>
    join.run(async () => {
      await client.api.room.join.mutate({ roomId });
      props.onJoined(roomId);
    });

  const joinable = rooms?.filter((room) => !props.memberOf.has(room.id));
  return (
    <section className="section stack" aria-labelledby="public-title">
      <h2 id="public-title">Public rooms</h2>
      <form className="inline" onSubmit={submit}>
        <label>
          Search public rooms
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <button type="submit" disabled={search.busy}>
          Search
        </button>
      </form>
      <Alert message={search.error ?? join.error} />
      {joinable?.length === 0 && <p className="muted">No public rooms to join.</p>}
      <ul className="public-rooms">
        {joinable?.map((room) => (
          <li key={room.id}>
            <span className="room-name">{room.name}</span>
            <button
              type="button"
              aria-label={`Join ${room.name}`}
              disabled={join.busy}
              onClick={() => void joinRoom(room.id)}
            >
              Join
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
