import type { RoomSummary } from '@confab/contracts';
import { errorMessageOf } from '@confab/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useChatClient } from './chat-client';

/** Bursts of events (a busy room) cause one sidebar refresh, not one per event. */
const REFRESH_DEBOUNCE_MS = 250;

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

  const scheduleRefresh = useCallback((): void => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void refresh(), REFRESH_DEBOUNCE_MS);
  }, [refresh]);

  useEffect(() => {
    void refresh();
    return () => clearTimeout(timer.current);
  }, [refresh]);

  return { rooms, error, refresh, scheduleRefresh };
}
