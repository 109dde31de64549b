import type { User } from '@confab/contracts';
import { useChatClient } from '@confab/react';
import { type FormEvent, useId, useState } from 'react';
import { deviceLabel } from '../lib/device-label';
import { useAction } from '../lib/use-action';
import { Alert } from '../ui/Alert';

type Mode = 'sign-in' | 'register';

/** Sign in or create an account; the session lives in an HttpOnly cookie, never in the page. */
export function AuthScreen(props: { notice: string | null; onSignedIn: (user: User) => void }) {
  const client = useChatClient();
  const [mode, setMode] = useState<Mode>('sign-in');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, run } = useAction();
  const registering = mode === 'register';
  const titleId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const device = deviceLabel();
      const result = registering
        ? await client.api.auth.registerWithCookie.mutate({
            username,
            displayName,
            password,
            deviceLabel: device,
          })
        : await client.api.auth.loginWithCookie.mutate({ username, password, deviceLabel: device });
      props.onSignedIn(result.user);
    });
  };

  const switchMode = () => {
    setMode(registering ? 'sign-in' : 'register');
    setError(null);
  };

  return (
    <main className="auth">
      <div className="auth-brand">
        <span className="logo" aria-hidden="true">
          C
        </span>
        <h1>Confab</h1>
        <p className="muted">Conversations that keep up with you, on every device.</p>
      </div>
      <form className="card auth-card" onSubmit={submit} aria-labelledby={titleId}>
        <h2 id={titleId}>{registering ? 'Create an account' : 'Sign in'}</h2>
        <label className="field">
          <span>Username</span>
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        {registering && (
          <label className="field">
            <span>Display name</span>
            <input
              name="displayName"
              autoComplete="nickname"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              required
            />
          </label>
        )}
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete={registering ? 'new-password' : 'current-password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <Alert message={error ?? props.notice} />
        <button type="submit" className="primary" disabled={busy}>
          {registering ? 'Create account' : 'Sign in'}
        </button>
        <p className="auth-switch">
          {registering ? 'Already have an account?' : 'New to Confab?'}{' '}
          <button type="button" className="link" onClick={switchMode}>
            {registering ? 'Sign in' : 'Create an account'}
          </button>
        </p>
      </form>
    </main>
  );
}
