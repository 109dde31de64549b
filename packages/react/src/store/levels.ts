import { errorMessageOf } from '@confab/client';
import { Observable } from './observable.js';

/** What the muted-rooms store needs from the server (notifications.mutedRooms / setRoomMuted). */
export interface MutedRoomsApi {
  mutedRooms(): Promise<readonly string[]>;
  setRoomMuted(roomId: string, muted: boolean): Promise<void>;
}

export interface MutedState {
  /** Ids of the rooms the user muted; null until the first answer. */
  roomIds: ReadonlySet<string> | null;
  error: string | null;
}

/**
 * The rooms the user muted: read once, then changed optimistically by `setMuted` (put back if
 * the server refuses). Read again after a reconnect, as another device may have changed them.
 */
export function createMutedStore(api: MutedRoomsApi) {
  const state = new Observable<MutedState>({ roomIds: null, error: null });
  let started = false;
  let latestLoad = 0;
  // Changes not yet confirmed: a load answered meanwhile must not undo them.
  const pending = new Map<string, boolean>();

  const withRoom = (roomIds: ReadonlySet<string>, roomId: string, muted: boolean) => {
    if (roomIds.has(roomId) === muted) return roomIds;
    const next = new Set(roomIds);
    if (muted) next.add(roomId);
    else next.delete(roomId);
    return next;
  };

  const load = async (): Promise<void> => {
    started = true;
    const request = ++latestLoad;
    try {
      let roomIds: ReadonlySet<string> = new Set(await api.mutedRooms());
      if (request !== latestLoad) return;
      for (const [roomId, muted] of pending) roomIds = withRoom(roomIds, roomId, muted);
      state.set({ roomIds, error: null });
    } catch (error) {
      if (request === latestLoad) state.set({ ...state.get(), error: errorMessageOf(error) });
    }
  };

  return {
    state,
    /** Loads the list the first time someone needs it. */
    start(): void {
      if (!started) void load();
    },
    /** The stream (re)connected: read the list again (only once someone has asked for it). */
    reload(): void {
      if (started) void load();
    },
    /** Mutes or unmutes a room; rejects (and puts the room back) when the server refuses. */
    async setMuted(roomId: string, muted: boolean): Promise<void> {
      const before = state.get().roomIds?.has(roomId) ?? false;
      const apply = (value: boolean) => {
        const { roomIds } = state.get();
        state.set({ roomIds: withRoom(roomIds ?? new Set(), roomId, value), error: null });
      };
      pending.set(roomId, muted);
      apply(muted);
      try {
        await api.setRoomMuted(roomId, muted);
      } catch (error) {
        if (pending.get(roomId) === muted) apply(before);
        throw error;
      } finally {
        if (pending.get(roomId) === muted) pending.delete(roomId);
      }
    },
  };
}
export type MutedStore = ReturnType<typeof createMutedStore>;
