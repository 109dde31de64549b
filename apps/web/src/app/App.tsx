import {
  type ChatClient,
  createChatClient,
  errorCodeOf,
  errorMessageOf,
  indexedDbOutboxStore,
  type TransportPreference,
} from '@confab/client';
import type { User } from '@confab/contracts';
import { ChatProvider } from '@confab/react';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { AuthScreen } from '../auth/AuthScreen';
import { SIGNED_OUT_CODES } from '../lib/session-codes';
import { isUnreachable, UNREACHABLE_MESSAGE } from '../lib/unreachable';
import { initialTransport, saveTransport } from './transport';

/**
 * The signed-in app is a chunk of its own, so the sign-in form's first load does not wait for it
 * (issue 18: the first chunk's size). Its download starts once the session check has answered:
 * at once for a signed-in user, and behind the sign-in form otherwise (so that it does not share
 * a slow link with the form's own first load, and is there by the time the form is sent).
 */
let chatViewModule: Promise<typeof import('../chat/ChatView')> | undefined;
const loadChatView = () => {
  chatViewModule ??= import('../chat/ChatView');
  return chatViewModule;
};
const ChatView = lazy(() => loadChatView().then((m) => ({ default: m.ChatView })));

const splash = (
  <div className="splash" role="status">
    Loading Confab…
  </div>
);

type Session =
  | { state: 'checking' }
  /** `unreachable`: the check failed for want of a server (offline), not for a dead session. */
  | { state: 'signed-out'; notice: string | null; unreachable?: boolean }
  | { state: 'signed-in'; user: User };

/** Shown instead of the browser's "Failed to fetch" when the app was opened offline. */
const OFFLINE_NOTICE = 'You are offline. Confab signs you back in when the network returns.';

/** While online but without an answer from the server, the session check is asked again this often (ms). */
const RECHECK_UNREACHABLE_MS = 5_000;

/**
 * The browser's client: same origin as the page, authenticated by the HttpOnly cookie. Its
 * stream starts once signed in (an anonymous stream would be refused, which ends the client).
 * Signed in, its unsent messages are kept in IndexedDB (one store per user, so another account
 * in this browser never sends them): a message written offline is sent once the app is open
 * and online again, even after the tab was closed.
 */
function browserClient(transport: TransportPreference, userId?: string): ChatClient {
  return createChatClient({
    url: window.location.origin,
    transport,
    autoConnect: false,
    ...(userId && 'indexedDB' in window
      ? { outboxStore: indexedDbOutboxStore(`confab-outbox-${userId}`) }
      : {}),
  });
}

export function App() {
  const [transport, setTransport] = useState(initialTransport);
  // Each client gets its own key: the signed-in view is rebuilt around a new one.
  const [{ client, key }, setClient] = useState(() => ({
    client: browserClient(transport),
    key: 0,
  }));
  const [session, setSession] = useState<Session>({ state: 'checking' });
  /** Whose outbox the current client keeps (none before sign-in). */
  const [outboxOf, setOutboxOf] = useState<string | undefined>(undefined);

  // On load: is the cookie session still live? (Only the first answer counts.) Opened offline
  // (the service worker's app shell), it asks again when the browser is back online.
  useEffect(() => {
    let cancelled = false;
    let recheck: ReturnType<typeof setTimeout> | undefined;
    const check = () =>
      client.api.auth.me.query().then(
        ({ user }) => {
          void loadChatView();
          if (cancelled) return;
          setSession((s) =>
            s.state === 'checking' || (s.state === 'signed-out' && s.unreachable)
              ? { state: 'signed-in', user }
              : s,
          );
        },
        (err: unknown) => {
          // After the form is on screen (this answer shows it).
          setTimeout(() => void loadChatView().catch(() => {}), 0);
          if (cancelled) return;
          const signedOut = SIGNED_OUT_CODES.has(errorCodeOf(err));
          const offline = !signedOut && !navigator.onLine;
          // Online, but the server did not answer (stopped, restarting): say so in words and ask
          // again until it does ('online' never fires for this).
          const unreachable = !signedOut && !offline && isUnreachable(err);
          if (unreachable) {
            clearTimeout(recheck);
            recheck = setTimeout(() => void check(), RECHECK_UNREACHABLE_MS);
          }
          const notice = signedOut
            ? null
            : offline
              ? OFFLINE_NOTICE
              : unreachable
                ? UNREACHABLE_MESSAGE
                : errorMessageOf(err);
          setSession((s) =>
            s.state === 'checking' ? { state: 'signed-out', notice, unreachable: !signedOut } : s,
          );
        },
      );
    void check();
    window.addEventListener('online', check);
    return () => {
      cancelled = true;
      clearTimeout(recheck);
      window.removeEventListener('online', check);
    };
  }, [client]);

  // A fresh client per session: a WebSocket authenticates once, when it connects.
  const signedOut = useCallback(
    (notice: string | null) => {
      client.close();
      setSession({ state: 'signed-out', notice });
      setOutboxOf(undefined);
      setClient((c) => ({ client: browserClient(transport), key: c.key + 1 }));
    },
    [client, transport],
  );

  const changeTransport = useCallback(
    (next: TransportPreference) => {
      saveTransport(next);
      setTransport(next);
      client.close();
      setClient((c) => ({ client: browserClient(next, outboxOf), key: c.key + 1 }));
    },
    [client, outboxOf],
  );

  const user = session.state === 'signed-in' ? session.user : null;

  // Signed in: a client that keeps this user's unsent messages across reloads (the one that
  // checked the session or signed in had no user yet). It has not connected: nothing is lost.
  const userId = user?.id;
  // The user's own new avatar (saved in settings here, or on another device) reaches the
  // sidebar with the `profile` event the server sends to every device of theirs.
  useEffect(() => {
    if (!userId) return;
    return client.on('event', (event) => {
      if (event.type !== 'profile' || event.user.id !== userId) return;
      setSession((s) => (s.state === 'signed-in' ? { state: 'signed-in', user: event.user } : s));
    });
  }, [client, userId]);

  useEffect(() => {
    if (!userId || outboxOf === userId) return;
    setOutboxOf(userId);
    client.close();
    setClient((c) => ({ client: browserClient(transport, userId), key: c.key + 1 }));
  }, [userId, outboxOf, client, transport]);

  return (
    <ChatProvider client={client} user={user}>
      {session.state === 'checking' && splash}
      {session.state === 'signed-out' && (
        <AuthScreen
          notice={session.notice}
          onSignedIn={(signedIn) => setSession({ state: 'signed-in', user: signedIn })}
        />
      )}
      {user && outboxOf === user.id && (
        <Suspense fallback={splash}>
          <ChatView
            key={key}
            onSignedOut={signedOut}
            transport={transport}
            onTransportChange={changeTransport}
          />
        </Suspense>
      )}
    </ChatProvider>
  );
}
