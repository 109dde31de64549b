import type { User } from '@confab/contracts';
import { type FormEvent, useState } from 'react';
import { useChatClient } from '../lib/chat-client';
import { useAction } from '../lib/use-action';
import { Alert } from './Alert';

type Mode = 'sign-in' | 'register';

export function AuthForm(props: { notice: string | null; onSignedIn: (user: User) => void }) {
  const client = useChatClient();
  const [mode, setMode] = useState<Mode>('sign-in');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, run } = useAction();
  const registering = mode === 'register';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      // The server sets the HttpOnly session cookie; the page never keeps the token.
      const result = registering
        ? await client.api.auth.registerWithCookie.mutate({ username, displayName, password })
        : await client.api.auth.loginWithCookie.mutate({ username, password });
      props.onSignedIn(result.user);
    });
  };

  const switchMode = () => {
    setMode(registering ? 'sign-in' : 'register');
    setError(null);
  };

  return (
    <main className="auth">
      <h1>Confab</h1>
      <form
        className="card stack"
        onSubmit={submit}
        aria-label={registering ? 'Register' : 'Sign in'}
      >
        <h2>{registering ? 'Create an account' : 'Sign in'}</h2>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        {registering && (
          <label>
            Display name
            <input
              name="displayName"
              autoComplete="nickname"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              required
            />
          </label>
        )}
        <label>
          Password
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
        <button type="submit" disabled={busy}>
          {registering ? 'Create account' : 'Sign in'}
        </button>
        <button type="button" className="link" onClick={switchMode}>
          {registering ? 'I already have an account' : 'Create an account instead'}
        </button>
      </form>
    </main>
  );
}
