import { useEffect, useSyncExternalStore } from 'react';
import { useChatContext } from './provider.js';

const NONE: ReadonlyMap<string, number> = new Map();

/**
 * How far each member who shares read receipts has read the room (user id -> seq), the user
 * included: loaded once, then moved forward by the stream's `receipt` signals.
 */
export function useReceipts(roomId: string): ReadonlyMap<string, number> {
  const { receipts } = useChatContext().store;
  const room = useSyncExternalStore(receipts.state.subscribe, () =>
    receipts.state.get().get(roomId),
  );
  useEffect(() => receipts.load(roomId), [receipts, roomId]);
  return room ?? NONE;
}
