import { type ChatClient, type ChatEvent, errorMessageOf } from '@confab/client';
import type { RoomSummary } from '@confab/contracts';
import { Observable } from './observable.js';
import { applyEvent, mergeFetched } from './rooms-state.js';

export interface RoomsState {
  /** null until the first room.mine answered. */
  rooms: readonly RoomSummary[] | null;
  error: string | null;
}

/** Bursts of events (a busy room) cause one refetch per this many ms, not one per event. */
const REFRESH_COALESCE_MS = 250;

/**
 * "My rooms" (room.mine), kept fresh from the stream: events update the list at once where
 * they can (new message, read marker, rename...), and a coalesced refetch settles the rest
 * (a deleted last message, a room just joined, a reconnect).
 */
export function createRoomsStore(client: ChatClient, me: () => string | null) {
  const state = new Observable<RoomsState>({ rooms: null, error: null });
  let latestRequest = 0;
  let started = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const refresh = async (): Promise<void> => {
    started = true;
    const request = ++latestRequest;
    try {
      const fetched = await client.api.room.mine.query();
      // Answers can overtake each other; only the newest request's may land.
      if (request !== latestRequest) return;
      state.set({ rooms: mergeFetched(state.get().rooms, fetched), error: null });
    } catch (error) {
      if (request === latestRequest) state.set({ ...state.get(), error: errorMessageOf(error) });
    }
  };

  // A pending refetch absorbs later requests (rather than restarting the wait), so a room that
  // never goes quiet still refreshes every REFRESH_COALESCE_MS.
  const scheduleRefresh = (): void => {
    if (timer !== undefined || !started) return;
    timer = setTimeout(() => {
      timer = undefined;
      void refresh();
    }, REFRESH_COALESCE_MS);
  };

  return {
    state,
    /** Loads the list the first time someone needs it. */
    start(): void {
      if (!started) void refresh();
    },
    refresh,
    scheduleRefresh,
    apply(event: ChatEvent): void {
      const { rooms } = state.get();
      if (rooms === null) {
        // The first answer may predate this event: ask again once it is in.
        scheduleRefresh();
        return;
      }
      const update = applyEvent(rooms, event, me());
      if (update.rooms.length !== rooms.length || update.rooms.some((s, i) => s !== rooms[i]))
        state.set({ ...state.get(), rooms: update.rooms });
      if (update.refresh) scheduleRefresh();
    },
  };
}
export type RoomsStore = ReturnType<typeof createRoomsStore>;
