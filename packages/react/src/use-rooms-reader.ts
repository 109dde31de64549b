import type { RoomSummary } from '@confab/contracts';
import { useCallback } from 'react';
import { useChatContext } from './provider.js';

/**
 * For event handlers: a function giving "my rooms" as the store holds them right now. In a
 * `useChatEvent` listener the store has already applied the event (a new message is counted in
 * its room's `unreadCount`), which a rendered `useRooms()` value shows only after the next render.
 */
export function useRoomsReader(): () => readonly RoomSummary[] | null {
  const { rooms } = useChatContext().store;
  return useCallback(() => rooms.state.get().rooms, [rooms]);
}
