import { useChatClient } from '@confab/react';
import { type FormEvent, useState } from 'react';
import { TextField } from '../forms/TextField';
import { useFormAction } from '../forms/use-form-action';
import { Alert } from '../ui/Alert';
import { Panel } from './Panel';

const FIELDS = ['username'] as const;

/** Opens (or reopens: there is one per pair) a direct conversation by username. */
export function NewDirect(props: { onBack: () => void; onOpened: (roomId: string) => void }) {
  const client = useChatClient();
  const [username, setUsername] = useState('');
  const { busy, errors, run, formRef } = useFormAction(FIELDS);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const room = await client.api.room.openDirect.mutate({ username });
      props.onOpened(room.id);
    });
  };

  return (
    <Panel title="Message someone" onBack={props.onBack}>
      <form ref={formRef} className="stack narrow" onSubmit={submit}>
        <TextField
          label="Their username"
          error={errors.fields.username}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoCapitalize="none"
          spellCheck={false}
          required
        />
        <Alert message={errors.form} />
        <button type="submit" className="primary" disabled={busy}>
          Open conversation
        </button>
      </form>
    </Panel>
  );
}
