import { useChatClient } from '@confab/react';
import { type FormEvent, useState } from 'react';
import { useAction } from '../lib/use-action';
import { Alert } from '../ui/Alert';
import { Panel } from './Panel';

/** Opens (or reopens: there is one per pair) a direct conversation by username. */
export function NewDirect(props: { onBack: () => void; onOpened: (roomId: string) => void }) {
  const client = useChatClient();
  const [username, setUsername] = useState('');
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const room = await client.api.room.openDirect.mutate({ username });
      props.onOpened(room.id);
    });
  };

  return (
    <Panel title="Message someone" onBack={props.onBack}>
      <form className="stack narrow" onSubmit={submit}>
        <label className="field">
          <span>Their username</span>
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoCapitalize="none"
            spellCheck={false}
            required
          />
        </label>
        <Alert message={error} />
        <button type="submit" className="primary" disabled={busy}>
          Open conversation
        </button>
      </form>
    </Panel>
  );
}
