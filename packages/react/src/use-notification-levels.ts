import type { NotificationLevel } from '@confab/contracts';
import { useEffect, useSyncExternalStore } from 'react';
import { useChatContext } from './provider.js';

const NONE: ReadonlyMap<string, NotificationLevel> = new Map();

export interface UseNotificationLevels {
  /** Each room's level when it is not 'all' (empty until loaded). */
  levels: ReadonlyMap<string, NotificationLevel>;
  loaded: boolean;
  error: string | null;
  /** Sets a room's level at once; rejects, and undoes it, when the server refuses. */
  setLevel(roomId: string, level: NotificationLevel): Promise<void>;
}

/**
 * How the user is notified of each room's messages (notifications.roomLevels): every message,
 * only those that mention them, or none. Web Push and webhooks follow it on the server; apps
 * should make their own notifications follow it too. Kept in step across the user's devices.
 */
export function useNotificationLevels(): UseNotificationLevels {
  const { levels } = useChatContext().store;
  const state = useSyncExternalStore(levels.state.subscribe, levels.state.get);
  useEffect(() => levels.start(), [levels]);
  return {
    levels: state.levels ?? NONE,
    loaded: state.levels !== null,
    error: state.error,
    setLevel: levels.setLevel,
  };
}
