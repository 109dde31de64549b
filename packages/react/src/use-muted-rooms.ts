import { useEffect, useSyncExternalStore } from 'react';
import { useChatContext } from './provider.js';

const NONE: ReadonlySet<string> = new Set();

export interface UseMutedRooms {
  /** Ids of the rooms the user muted (empty until loaded). */
  muted: ReadonlySet<string>;
  loaded: boolean;
  error: string | null;
  /** Mutes or unmutes a room at once; rejects, and undoes it, when the server refuses. */
  setMuted(roomId: string, muted: boolean): Promise<void>;
}

/**
 * Rooms whose notifications the user turned off (notifications.mutedRooms): no Web Push, no
 * webhook delivery, and apps should not raise their own notifications for them either.
 */
export function useMutedRooms(): UseMutedRooms {
  const { muted } = useChatContext().store;
  const state = useSyncExternalStore(muted.state.subscribe, muted.state.get);
  useEffect(() => muted.start(), [muted]);
  return {
    muted: state.roomIds ?? NONE,
    loaded: state.roomIds !== null,
    error: state.error,
    setMuted: muted.setMuted,
  };
}
