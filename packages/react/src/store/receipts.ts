import type { ChatClient, ChatEvent } from '@confab/client';
import { Observable } from './observable.js';

/** Room id -> user id -> the seq they have read up to (members who share receipts). */
export type ReceiptsState = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** Read receipts: loaded per room with room.receipts, then moved forward by `receipt` signals. */
export function createReceiptsStore(client: ChatClient) {
  const state = new Observable<ReceiptsState>(new Map());
  const loaded = new Set<string>();

  const raise = (roomId: string, receipts: readonly { userId: string; lastReadSeq: number }[]) => {
    const next = new Map(state.get());
    const room = new Map(next.get(roomId));
    for (const { userId, lastReadSeq } of receipts)
      room.set(userId, Math.max(lastReadSeq, room.get(userId) ?? 0));
    next.set(roomId, room);
    state.set(next);
  };

  const read = (roomId: string) => {
    client.api.room.receipts.query({ roomId }).then(
      (receipts) => raise(roomId, receipts),
      () => loaded.delete(roomId),
    );
  };

  return {
    state,
    apply(event: ChatEvent): void {
      if (event.type === 'receipt') raise(event.roomId, [event]);
    },
    /** Reads a room's receipts once (signals keep them current afterwards). */
    load(roomId: string): void {
      if (loaded.has(roomId)) return;
      loaded.add(roomId);
      read(roomId);
    },
    /** The stream (re)connected: signals sent while it was down are lost, so read them again. */
    reload(): void {
      for (const roomId of loaded) read(roomId);
    },
  };
}
