import { type FormEvent, useState } from 'react';
import { signIn } from './backend.js';

/** The app's own sign-in (demo users: ada / ada-secret, bob / bob-secret). */
export function SignIn(props: { onSignedIn: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn(String(form.get('username')), String(form.get('password'))).then(
      props.onSignedIn,
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  };
  return (
    <form onSubmit={submit}>
      <h1>Acme</h1>
      <input name="username" aria-label="Username" required />
      <input name="password" aria-label="Password" type="password" required />
      <button type="submit">Sign in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
