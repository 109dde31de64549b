import { useEffect } from 'react';

/** How often the room list asks again while its last load failed (ms). */
const RETRY_EVERY_MS = 5_000;

/**
 * While "my rooms" failed to load, asks again every few seconds, so that the list comes back by
 * itself once the server does. (A reconnected stream refreshes it too; this covers a list that
 * failed while the stream itself stayed up, or before it connected.)
 */
export function useRoomsRetry(failed: boolean, refresh: () => Promise<void>): void {
  useEffect(() => {
    if (!failed) return;
    const timer = setInterval(() => void refresh(), RETRY_EVERY_MS);
    return () => clearInterval(timer);
  }, [failed, refresh]);
}
