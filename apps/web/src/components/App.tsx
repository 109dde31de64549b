import type { ChatClient } from '@confab/client';
import { errorCodeOf, errorMessageOf } from '@confab/client';
import type { User } from '@confab/contracts';
import { useCallback, useEffect, useState } from 'react';
import { ClientContext, createBrowserClient } from '../lib/chat-client';
import { SIGNED_OUT_CODES } from '../lib/format';
import { AuthForm } from './AuthForm';
import { ChatView } from './ChatView';

type Session =
  | { state: 'checking' }
  | { state: 'signed-out'; notice: string | null }
  | { state: 'signed-in'; user: User };

export function App() {
  const [client, setClient] = useState<ChatClient>(createBrowserClient);
  const [session, setSession] = useState<Session>({ state: 'checking' });

  // On load: is the cookie session still live? (Only the first answer counts.)
  useEffect(() => {
    let cancelled = false;
    const settle = (next: Session) => {
      if (!cancelled) setSession((current) => (current.state === 'checking' ? next : current));
    };
    client.api.auth.me.query().then(
      ({ user }) => settle({ state: 'signed-in', user }),
      (err: unknown) => {
        const notice = SIGNED_OUT_CODES.has(errorCodeOf(err)) ? null : errorMessageOf(err);
        settle({ state: 'signed-out', notice });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client]);

  // A fresh client per session: the WebSocket authenticates once, when it connects.
  const signedOut = useCallback(
    (notice: string | null) => {
      client.close();
      setSession({ state: 'signed-out', notice });
      setClient(createBrowserClient());
    },
    [client],
  );

  return (
    <ClientContext.Provider value={client}>
      {session.state === 'checking' && <p className="splash">Loading…</p>}
      {session.state === 'signed-out' && (
        <AuthForm
          notice={session.notice}
          onSignedIn={(user) => setSession({ state: 'signed-in', user })}
        />
      )}
      {session.state === 'signed-in' && <ChatView user={session.user} onSignedOut={signedOut} />}
    </ClientContext.Provider>
  );
}
