import { useChatClient, useCurrentUser } from '@confab/react';
import { useEffect, useRef, useState } from 'react';
import { TextField } from '../forms/TextField';
import { useFormAction } from '../forms/use-form-action';
import { Alert } from '../ui/Alert';

const FIELDS = ['displayName'] as const;

/**
 * The name others see beside your messages. Saved with account.updateProfile; the sidebar
 * follows with the `profile` event the server sends to every device of yours (see App).
 */
export function DisplayNameForm() {
  const client = useChatClient();
  const me = useCurrentUser();
  const saving = useFormAction(FIELDS);
  const [name, setName] = useState(me.displayName);
  const [status, setStatus] = useState('');
  // The name as last saved (here, or on another device).
  const [saved, setSaved] = useState(me.displayName);
  // Changed on another device: shown here too, unless this form holds an edit of its own.
  const seen = useRef(me.displayName);
  useEffect(() => {
    const previous = seen.current;
    if (me.displayName === previous) return;
    seen.current = me.displayName;
    setSaved(me.displayName);
    setName((current) => (current === previous ? me.displayName : current));
  }, [me.displayName]);

  return (
    <form
      ref={saving.formRef}
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        setStatus('');
        void saving.run(async () => {
          const { user } = await client.api.account.updateProfile.mutate({ displayName: name });
          setName(user.displayName);
          setSaved(user.displayName);
          setStatus('Name saved');
        });
      }}
    >
      <Alert message={saving.errors.form} />
      <TextField
        label="Display name"
        error={saving.errors.fields.displayName}
        autoComplete="name"
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          setStatus('');
        }}
      />
      <button type="submit" disabled={saving.busy || name === saved}>
        {saving.busy ? 'Saving…' : 'Save name'}
      </button>
      <p className="muted" role="status">
        {status}
      </p>
    </form>
  );
}
