import { errorCodeOf, errorMessageOf } from '@confab/client';
import type { User } from '@confab/contracts';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { AuthScreen } from '../auth/AuthScreen';
import { me } from '../auth/auth-calls';
import { SIGNED_OUT_CODES } from '../lib/session-codes';
import { isUnreachable, UNREACHABLE_MESSAGE } from '../lib/unreachable';

/**
 * The signed-in app (the SDK, the chat store and every view) is a chunk of its own, so the
 * sign-in form's first load does not wait for it: the first chunk is React and this screen
 * (issue 18). Its download starts once the session check has answered: at once for a signed-in
 * user, and behind the sign-in form otherwise (so that it does not share a slow link with the
 * form's own first load, and is there by the time the form is sent).
 */
let signedInModule: Promise<typeof import('./SignedIn')> | undefined;
const loadSignedIn = () => {
  signedInModule ??= import('./SignedIn');
  return signedInModule;
};
const SignedIn = lazy(() => loadSignedIn().then((m) => ({ default: m.SignedIn })));

const splash = (
  <div className="splash" role="status">
    Loading Confab…
  </div>
);

type Session =
  | { state: 'checking' }
  /** `unreachable`: the check failed for want of a server (offline), not for a dead session. */
  | {
      state: 'signed-out';
      notice: string | null;
      unreachable?: boolean;
      /** Shown before the check answered: no sign-in hint cookie, so most likely signed out. */
      guessed?: boolean;
    }
  | { state: 'signed-in'; user: User };

/** Shown instead of the browser's "Failed to fetch" when the app was opened offline. */
const OFFLINE_NOTICE = 'You are offline. Confab signs you back in when the network returns.';

/** While online but without an answer from the server, the session check is asked again this often (ms). */
const RECHECK_UNREACHABLE_MS = 5_000;

/**
 * Whether this browser was signed in here: the server sets a page-readable hint cookie beside
 * the HttpOnly session cookie (packages/server/src/http/cookies.ts). Without it the sign-in form
 * shows at once, rather than after a round trip to ask the server (issue 18); the check still
 * runs, and signs in a session set before the hint existed.
 */
const hintedSignedIn = () => document.cookie.split(/;\s*/).includes('confab_signed_in=1');

/** What is shown before the session check answers. */
const firstSession = (): Session =>
  hintedSignedIn() ? { state: 'checking' } : { state: 'signed-out', notice: null, guessed: true };

export function App() {
  const [session, setSession] = useState<Session>(firstSession);

  // On load: is the cookie session still live? (Only the first answer counts.) Opened offline
  // (the service worker's app shell), it asks again when the browser is back online.
  useEffect(() => {
    let cancelled = false;
    let recheck: ReturnType<typeof setTimeout> | undefined;
    const check = () =>
      me().then(
        ({ user }) => {
          void loadSignedIn();
          if (cancelled) return;
          setSession((s) =>
            s.state === 'checking' || (s.state === 'signed-out' && (s.unreachable || s.guessed))
              ? { state: 'signed-in', user }
              : s,
          );
        },
        (err: unknown) => {
          // After the form is on screen (this answer shows it).
          setTimeout(() => void loadSignedIn().catch(() => {}), 0);
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
            s.state === 'checking' || (s.state === 'signed-out' && s.guessed)
              ? { state: 'signed-out', notice, unreachable: !signedOut }
              : s,
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
  }, []);

  const signedOut = useCallback(
    (notice: string | null) => setSession({ state: 'signed-out', notice }),
    [],
  );

  return (
    <>
      {session.state === 'checking' && splash}
      {session.state === 'signed-out' && (
        <AuthScreen
          notice={session.notice}
          onSignedIn={(signedIn) => setSession({ state: 'signed-in', user: signedIn })}
        />
      )}
      {session.state === 'signed-in' && (
        <Suspense fallback={splash}>
          <SignedIn key={session.user.id} user={session.user} onSignedOut={signedOut} />
        </Suspense>
      )}
    </>
  );
}
