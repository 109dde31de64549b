import { useSessions } from '@confab/react';
import { formatAgo } from '../lib/format';
import { useAction } from '../lib/use-action';
import { Alert } from '../ui/Alert';

/** The user's signed-in devices, each (but this one) with a way to sign it out. */
export function SessionsList() {
  const { sessions, error, revoke } = useSessions();
  const revoking = useAction();
  return (
    <section className="card stack" aria-labelledby="settings-devices">
      <h3 id="settings-devices">Devices</h3>
      <Alert message={error ?? revoking.error} />
      <ul className="sessions">
        {sessions?.map((session) => (
          <li key={session.id} className="session" data-testid="session">
            <div>
              <strong>
                <bdi>{session.deviceLabel}</bdi>
              </strong>
              <span className="muted">
                {session.current ? 'This device' : `Last active ${formatAgo(session.lastSeenAt)}`}
              </span>
            </div>
            {!session.current && (
              <button
                type="button"
                aria-label={`Sign out ${session.deviceLabel}, last active ${formatAgo(session.lastSeenAt)}`}
                disabled={revoking.busy}
                onClick={() => void revoking.run(() => revoke(session.id))}
              >
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
