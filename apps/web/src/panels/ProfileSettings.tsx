import { AVATAR_UPLOAD_TYPES } from '@confab/contracts';
import { useCurrentUser } from '@confab/react';
import { useEffect, useId, useRef, useState } from 'react';
import { avatarFileProblem, removeAvatar, uploadAvatar } from '../lib/avatar-upload';
import { useAction } from '../lib/use-action';
import { Avatar } from '../ui/Avatar';
import { DisplayNameForm } from './DisplayNameForm';

/**
 * The signed-in user's profile. Their picture: choose a file, see it as it will be cut (a
 * centred square, as the server cuts it), save it or cancel; or remove the one there is; errors
 * show at the field. And their display name.
 */
export function ProfileSettings() {
  const me = useCurrentUser();
  // What this panel last saw saved: the sidebar's user follows too (a `profile` event, see
  // App), but the preview changes the moment the server answers.
  const [saved, setSaved] = useState(me.avatarVersion);
  useEffect(() => setSaved(me.avatarVersion), [me.avatarVersion]);
  const [chosen, setChosen] = useState<{ file: File; url: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const saving = useAction();
  const input = useRef<HTMLInputElement>(null);
  const errorId = useId();
  const error = problem ?? saving.error;

  // A preview's object URL lives as long as it is shown.
  useEffect(() => {
    if (!chosen) return;
    return () => URL.revokeObjectURL(chosen.url);
  }, [chosen]);

  const clear = () => {
    setChosen(null);
    if (input.current) input.current.value = '';
  };

  const choose = (file: File | undefined) => {
    setStatus('');
    saving.setError(null);
    const why = file ? avatarFileProblem(file) : null;
    setProblem(why);
    if (!file || why) clear();
    else setChosen({ file, url: URL.createObjectURL(file) });
  };

  const save = () => {
    if (!chosen) return;
    void saving
      .run(async () => {
        setSaved(await uploadAvatar(chosen.file));
        clear();
        setStatus('Picture saved');
      })
      .then((ok) => ok || input.current?.focus());
  };

  const remove = () => {
    setProblem(null);
    void saving.run(async () => {
      await removeAvatar();
      setSaved(undefined);
      setStatus('Picture removed');
    });
  };

  return (
    <section className="card stack profile-settings" aria-labelledby="settings-profile">
      <h3 id="settings-profile">Profile</h3>
      <div className="profile-picture">
        {chosen ? (
          <span className="avatar avatar-lg">
            <img
              className="avatar-image"
              src={chosen.url}
              alt={`${me.displayName} (preview, not saved yet)`}
            />
          </span>
        ) : (
          <Avatar id={me.id} name={me.displayName} size="lg" avatarVersion={saved} labelled />
        )}
        <div className="stack">
          <div className="field-with-error">
            <label className="field">
              <span>Picture</span>
              <input
                ref={input}
                type="file"
                accept={AVATAR_UPLOAD_TYPES.join(',')}
                disabled={saving.busy}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
                onChange={(e) => choose(e.target.files?.[0])}
              />
            </label>
            {error && (
              <p id={errorId} className="field-error" data-testid="field-error">
                {error}
              </p>
            )}
          </div>
          <div className="profile-actions">
            {chosen ? (
              <>
                <button type="button" className="primary" disabled={saving.busy} onClick={save}>
                  {saving.busy ? 'Saving…' : 'Save picture'}
                </button>
                <button type="button" disabled={saving.busy} onClick={clear}>
                  Cancel
                </button>
              </>
            ) : (
              saved !== undefined && (
                <button type="button" className="danger" disabled={saving.busy} onClick={remove}>
                  Remove picture
                </button>
              )
            )}
          </div>
          <p className="muted" role="status">
            {status}
          </p>
        </div>
      </div>
      <DisplayNameForm />
    </section>
  );
}
