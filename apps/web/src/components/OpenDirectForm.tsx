import { type FormEvent, useState } from 'react';
import { useChatClient } from '../lib/chat-client';
import { useAction } from '../lib/use-action';
import { Alert } from './Alert';

export function OpenDirectForm(props: { onOpened: (roomId: string) => void }) {
  const client = useChatClient();
  const [username, setUsername] = useState('');
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const room = await client.api.room.openDirect.mutate({ username });
      setUsername('');
      props.onOpened(room.id);
    });
  };

  return (
    <form className="section stack" onSubmit={submit} aria-labelledby="direct-title">
      <h2 id="direct-title">Direct message</h2>
      <label>
        Username to message
        <input value={username} onChange={(e) => setUsername(e.target.value)} required />
      </label>
      <Alert message={error} />
      <button type="submit" disabled={busy}>
        Open conversation
      </button>
    </form>
  );
}
