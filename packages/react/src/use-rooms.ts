import type { RoomSummary } from '@confab/contracts';
import { useEffect, useSyncExternalStore } from 'react';
import { useChatContext } from './provider.js';

export interface UseRooms {
  /** The user's rooms, latest activity first; null until loaded. */
  rooms: readonly RoomSummary[] | null;
  error: string | null;
  /** Refetches room.mine now (after creating or joining a room, say). */
  refresh(): Promise<void>;
}

/** "My rooms" (room.mine) with unread counts and last messages, kept fresh from the stream. */
export function useRooms(): UseRooms {
  const { rooms } = useChatContext().store;
  const state = useSyncExternalStore(rooms.state.subscribe, rooms.state.get);
  useEffect(() => rooms.start(), [rooms]);
  return { rooms: state.rooms, error: state.error, refresh: rooms.refresh };
}
