import { useChatClient } from '@confab/react';
import { useId, useState } from 'react';
import { TextField } from '../forms/TextField';
import { useFormAction } from '../forms/use-form-action';
import { useAction } from '../lib/use-action';
import { Alert } from '../ui/Alert';

const DELETE_FIELDS = ['password'] as const;

/** Saves `data` as a JSON file through a temporary link (no server round trip for the file). */
function download(data: unknown, fileName: string): void {
  const url = URL.createObjectURL(
    new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click has started the download by now; the object URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** "Your data": download everything the server holds about you, or delete the account. */
export function AccountData(props: { onDelete: (password: string) => Promise<void> }) {
  const client = useChatClient();
  const exporting = useAction();
  const deleting = useFormAction(DELETE_FIELDS);
  const [confirming, setConfirming] = useState(false);
  const [password, setPassword] = useState('');
  const explanation = useId();

  const exportData = () =>
    exporting.run(async () => {
      const data = await client.api.account.export.query();
      const day = new Date(data.exportedAt).toISOString().slice(0, 10);
      download(data, `confab-${data.user.username}-${day}.json`);
    });

  return (
    <section className="card stack" aria-labelledby="settings-data">
      <h3 id="settings-data">Your data</h3>
      <Alert message={exporting.error} />
      <p className="muted">
        A JSON file with your profile, settings, devices, rooms and every message you wrote.
      </p>
      <button type="button" disabled={exporting.busy} onClick={() => void exportData()}>
        {exporting.busy ? 'Preparing…' : 'Download my data'}
      </button>
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete my account…
        </button>
      ) : (
        <form
          ref={deleting.formRef}
          className="stack"
          aria-describedby={explanation}
          onSubmit={(e) => {
            e.preventDefault();
            void deleting.run(() => props.onDelete(password));
          }}
        >
          <p id={explanation}>
            Deleting your account signs out every device and takes you out of every room. Messages
            you wrote stay in their rooms, shown as from “Deleted user”; delete any you want gone
            first. This cannot be undone.
          </p>
          <Alert message={deleting.errors.form} />
          <TextField
            label="Your password, to confirm"
            error={deleting.errors.fields.password}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <div className="stack">
            <button type="submit" className="danger" disabled={deleting.busy || !password}>
              {deleting.busy ? 'Deleting…' : 'Delete my account for good'}
            </button>
            <button
              type="button"
              onClick={() => {
                setConfirming(false);
                setPassword('');
                deleting.clear();
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
