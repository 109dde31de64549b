import { type FormEvent, useState } from 'react';
import { useChatClient } from '../lib/chat-client';
import { useAction } from '../lib/use-action';
import { Alert } from './Alert';

type Kind = 'public' | 'private';

export function CreateRoomForm(props: { onCreated: (roomId: string) => void }) {
  const client = useChatClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('public');
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const room = await client.api.room.create.mutate({ name, kind });
      setName('');
      props.onCreated(room.id);
    });
  };

  return (
    <form className="section stack" onSubmit={submit} aria-labelledby="create-room-title">
      <h2 id="create-room-title">New room</h2>
      <label>
        Room name
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label>
        Visibility
        <select
          value={kind}
          onChange={(e) => setKind(e.target.value === 'private' ? 'private' : 'public')}
        >
          <option value="public">Public: anyone can find and join it</option>
          <option value="private">Private: members invite others</option>
        </select>
      </label>
      <Alert message={error} />
      <button type="submit" disabled={busy}>
        Create room
      </button>
    </form>
  );
}
