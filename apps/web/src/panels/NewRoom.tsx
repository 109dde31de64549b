import { useChatClient } from '@confab/react';
import { type FormEvent, useState } from 'react';
import { TextField } from '../forms/TextField';
import { useFormAction } from '../forms/use-form-action';
import { Alert } from '../ui/Alert';
import { Panel } from './Panel';

type Kind = 'public' | 'private';

const FIELDS = ['name', 'topic'] as const;

export function NewRoom(props: { onBack: () => void; onCreated: (roomId: string) => void }) {
  const client = useChatClient();
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [kind, setKind] = useState<Kind>('public');
  const { busy, errors, run, formRef } = useFormAction(FIELDS);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const room = await client.api.room.create.mutate({ name, kind, topic });
      props.onCreated(room.id);
    });
  };

  return (
    <Panel title="Create a room" onBack={props.onBack}>
      <form ref={formRef} className="stack narrow" onSubmit={submit}>
        <TextField
          label="Room name"
          error={errors.fields.name}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={80}
        />
        <TextField
          label="Topic (optional)"
          error={errors.fields.topic}
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
          maxLength={300}
        />
        <fieldset className="choices">
          <legend>Who can join</legend>
          <label className="choice">
            <input
              type="radio"
              name="kind"
              checked={kind === 'public'}
              onChange={() => setKind('public')}
            />
            <span>
              <strong>Public</strong>
              <span className="muted">Anyone can find it and join.</span>
            </span>
          </label>
          <label className="choice">
            <input
              type="radio"
              name="kind"
              checked={kind === 'private'}
              onChange={() => setKind('private')}
            />
            <span>
              <strong>Private</strong>
              <span className="muted">Only people its members invite.</span>
            </span>
          </label>
        </fieldset>
        <Alert message={errors.form} />
        <button type="submit" className="primary" disabled={busy}>
          Create room
        </button>
      </form>
    </Panel>
  );
}
