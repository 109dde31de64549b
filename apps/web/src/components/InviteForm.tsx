import { type FormEvent, useState } from 'react';
import { useChatClient } from '../lib/chat-client';
import { useAction } from '../lib/use-action';
import { Alert } from './Alert';

export function InviteForm(props: { roomId: string }) {
  const client = useChatClient();
  const [username, setUsername] = useState('');
  const [invited, setInvited] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setInvited(null);
    void run(async () => {
      await client.api.room.invite.mutate({ roomId: props.roomId, username });
      setInvited(username.trim());
      setUsername('');
    });
  };

  return (
    <form className="inline invite" onSubmit={submit}>
      <label>
        Invite by username
        <input value={username} onChange={(e) => setUsername(e.target.value)} required />
      </label>
      <button type="submit" disabled={busy}>
        Invite
      </button>
      <Alert message={error} />
      {invited && <output className="muted">Invited {invited}.</output>}
    </form>
  );
}
