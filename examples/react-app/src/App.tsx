import { useEffect, useState } from 'react';
import { fetchMe, type Me } from './backend.js';
import { Chat } from './Chat.js';
import { SignIn } from './SignIn.js';

/** Signed out: the app's own sign-in form. Signed in: the chat. */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const reload = () => {
    fetchMe().then(setMe, (e: unknown) => setError(String(e)));
  };
  useEffect(reload, []);

  if (error) return <p role="alert">{error}</p>;
  if (me === undefined) return <p>Loading…</p>;
  if (me === null) return <SignIn onSignedIn={reload} />;
  return <Chat me={me} onSignedOut={() => setMe(null)} />;
}
