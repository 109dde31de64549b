import { useConnection } from '@confab/react';
import { useEffect, useRef } from 'react';

/**
 * A conversation whose messages could not load because the server was unreachable loads them
 * again once the live connection is back (the stream's return is the sign the server is), so
 * the room recovers by itself instead of staying on "Loading messages…".
 */
export function useReloadWhenBack(unreachable: boolean, reload: () => void): void {
  const { state } = useConnection();
  const failed = useRef(unreachable);
  failed.current = unreachable;
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  // Only on the transition to connected: a load that fails again waits for the next one.
  useEffect(() => {
    if (state === 'connected' && failed.current) reloadRef.current();
  }, [state]);
}
