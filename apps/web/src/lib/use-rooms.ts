import { errorMessageOf } from '@confab/client';
import type { RoomSummary } from '@confab/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useChatClient } from './chat-client';

/** Bursts of events (a busy room) cause one sidebar refresh per this many ms, not one per event. */
const REFRESH_COALESCE_MS = 250;

/** "My rooms" from `room.mine`, refreshed on demand or, debounced, when events arrive. */
export function useRooms() {
  const client = useChatClient();
  const [rooms, setRooms] = useState<RoomSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Responses can come back out of order; only the newest request may set state.
  const latestRequest = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(async (): Promise<void> => {
    const request = ++latestRequest.current;
    try {
      const result = await client.api.room.mine.query();
      if (request !== latestRequest.current) return;
      setRooms(result);
      setError(null);
    } catch (err) {
      if (request === latestRequest.current) setError(errorMessageOf(err));
    }
  }, [client]);

  // A pending refresh absorbs later requests (rather than restarting the wait), so a room that
  // never goes quiet still refreshes the sidebar every REFRESH_COALESCE_MS.
  const scheduleRefresh = useCallback((): void => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void refresh();
    }, REFRESH_COALESCE_MS);
  }, [refresh]);

  useEffect(() => {
    void refresh();
    return () => {
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [refresh]);

  return { rooms, error, refresh, scheduleRefresh };
}
