import type { User } from '@confab/contracts';
import { type FormEvent, useId, useState } from 'react';
import { TextField } from '../forms/TextField';
import { useFormAction } from '../forms/use-form-action';
import { deviceLabel } from '../lib/device-label';
import { Alert } from '../ui/Alert';
import { registerWithCookie, signInWithCookie } from './auth-calls';

const FIELDS = ['username', 'displayName', 'password'] as const;

type Mode = 'sign-in' | 'register';

/** Sign in or create an account; the session lives in an HttpOnly cookie, never in the page. */
export function AuthScreen(props: { notice: string | null; onSignedIn: (user: User) => void }) {
  const [mode, setMode] = useState<Mode>('sign-in');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, errors, clear, run, formRef } = useFormAction(FIELDS);
  const registering = mode === 'register';
  const titleId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const device = deviceLabel();
      const result = registering
        ? await registerWithCookie({ username, displayName, password, deviceLabel: device })
        : await signInWithCookie({ username, password, deviceLabel: device });
      props.onSignedIn(result.user);
    });
  };

  const switchMode = () => {
    setMode(registering ? 'sign-in' : 'register');
    clear();
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
      <form ref={formRef} className="card auth-card" onSubmit={submit} aria-labelledby={titleId}>
        <h2 id={titleId}>{registering ? 'Create an account' : 'Sign in'}</h2>
        <TextField
          label="Username"
          error={errors.fields.username}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        {registering && (
          <TextField
            label="Display name"
            error={errors.fields.displayName}
            name="displayName"
            autoComplete="nickname"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            required
          />
        )}
        <TextField
          label="Password"
          error={errors.fields.password}
          name="password"
          type="password"
          autoComplete={registering ? 'new-password' : 'current-password'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <Alert message={errors.form ?? props.notice} />
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
