import { errorMessageOf } from '@confab/client';
import type { NotificationLevel } from '@confab/contracts';
import { Observable } from './observable.js';

/** What the levels store needs from the server (notifications.roomLevels / setRoomLevel). */
export interface RoomLevelsApi {
  /** The rooms whose level is not 'all'. */
  roomLevels(): Promise<readonly { roomId: string; level: NotificationLevel }[]>;
  setRoomLevel(roomId: string, level: NotificationLevel): Promise<void>;
}

export interface LevelsState {
  /** Each room's level when it is not 'all'; null until the first answer. */
  levels: ReadonlyMap<string, NotificationLevel> | null;
  error: string | null;
}

const withLevel = (
  levels: ReadonlyMap<string, NotificationLevel>,
  roomId: string,
  level: NotificationLevel,
) => {
  if ((levels.get(roomId) ?? 'all') === level) return levels;
  const next = new Map(levels);
  if (level === 'all') next.delete(roomId);
  else next.set(roomId, level);
  return next;
};

/**
 * The user's notification level per room (all / mentions / none): read once, then changed
 * optimistically by `setLevel` (put back if the server refuses). Read again after a reconnect,
 * as another device may have changed them.
 */
export function createLevelsStore(api: RoomLevelsApi) {
  const state = new Observable<LevelsState>({ levels: null, error: null });
  let started = false;
  let latestLoad = 0;
  // Changes not yet confirmed: a load answered meanwhile must not undo them.
  const pending = new Map<string, NotificationLevel>();

  const load = async (): Promise<void> => {
    started = true;
    const request = ++latestLoad;
    try {
      const rows = await api.roomLevels();
      if (request !== latestLoad) return;
      let levels: ReadonlyMap<string, NotificationLevel> = new Map(
        rows.map((row) => [row.roomId, row.level]),
      );
      for (const [roomId, level] of pending) levels = withLevel(levels, roomId, level);
      state.set({ levels, error: null });
    } catch (error) {
      if (request === latestLoad) state.set({ ...state.get(), error: errorMessageOf(error) });
    }
  };

  return {
    state,
    /** Loads the levels the first time someone needs them. */
    start(): void {
      if (!started) void load();
    },
    /** The stream (re)connected: read them again (only once someone has asked for them). */
    reload(): void {
      if (started) void load();
    },
    /** Sets a room's level; rejects (and puts the old one back) when the server refuses. */
    async setLevel(roomId: string, level: NotificationLevel): Promise<void> {
      const before = state.get().levels?.get(roomId) ?? 'all';
      const apply = (value: NotificationLevel) => {
        const { levels } = state.get();
        state.set({ levels: withLevel(levels ?? new Map(), roomId, value), error: null });
      };
      pending.set(roomId, level);
      apply(level);
      try {
        await api.setRoomLevel(roomId, level);
      } catch (error) {
        if (pending.get(roomId) === level) apply(before);
        throw error;
      } finally {
        if (pending.get(roomId) === level) pending.delete(roomId);
      }
    },
  };
}
export type LevelsStore = ReturnType<typeof createLevelsStore>;
