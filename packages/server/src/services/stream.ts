import { ERROR_CODES, type RoomEvent } from '@confab/contracts';
import { AppError } from '../errors.js';
import type { Bus, BusMessage } from '../ports/bus.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';

/** Backfill reads the log in pages of this many events. */
const BACKFILL_PAGE = 500;

/**
 * One device's stream of the events of all its user's rooms, in seq order per room, each once.
 *
 * Order of work (the race it avoids: an event committed between reading the backlog and
 * subscribing would be lost): subscribe to live events first and queue them, then backfill each
 * room from its cursor, then drain the queue, dropping what backfill already delivered and
 * filling any gap from the store.
 *
 * `cursors` maps room id to the last seq the device has; a room without one starts live.
 */
export async function* roomEventStream(
  deps: { store: Store; bus: Bus },
  auth: Authenticated,
  options: { cursors: Record<string, number>; signal: AbortSignal | undefined },
): AsyncGenerator<RoomEvent> {
  const { store, bus } = deps;
  const userId = auth.user.id;
  const queue: BusMessage[] = [];
  let wake: (() => void) | undefined;
  const push = (message: BusMessage) => {
    queue.push(message);
    wake?.();
  };
  const roomSubscriptions = new Map<string, () => void>();
  /** Highest seq delivered per room; the keys are the rooms this stream carries. */
  const delivered = new Map<string, number>();

  const unsubscribeUser = bus.subscribe(`user:${userId}`, push);
  const track = (roomId: string, cursor: number) => {
    if (!roomSubscriptions.has(roomId))
      roomSubscriptions.set(roomId, bus.subscribe(`room:${roomId}`, push));
    delivered.set(roomId, cursor);
  };
  const untrack = (roomId: string) => {
    roomSubscriptions.get(roomId)?.();
    roomSubscriptions.delete(roomId);
    delivered.delete(roomId);
  };
  const endsMembership = (event: RoomEvent) =>
    (event.type === 'member.left' || event.type === 'member.removed') && event.userId === userId;

  /** Events of `roomId` after what was delivered, up to `untilSeq` (inclusive) when given. */
  async function* backfill(
    roomId: string,
    untilSeq = Number.POSITIVE_INFINITY,
  ): AsyncGenerator<RoomEvent> {
    for (;;) {
      const from = delivered.get(roomId);
      if (from === undefined || from >= untilSeq) return;
      const page = await store.eventsAfter(roomId, from, BACKFILL_PAGE);
      for (const event of page.events) {
        if (event.seq > untilSeq || !delivered.has(roomId)) return;
        delivered.set(roomId, event.seq);
        yield event;
        if (endsMembership(event)) {
          untrack(roomId);
          return;
        }
      }
      if (!page.hasMore) return;
    }
  }

  try {
    for (const roomId of await store.roomIdsOf(userId)) {
      const cursor = options.cursors[roomId] ?? (await store.roomById(roomId))?.lastSeq ?? 0;
      track(roomId, cursor);
    }
    for (const roomId of [...delivered.keys()]) yield* backfill(roomId);

    while (!options.signal?.aborted) {
      const message = queue.shift();
      if (!message) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          options.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        wake = undefined;
        continue;
      }
      if (message.kind === 'session-ended') {
        if (message.sessionId === auth.session.id) {
          throw new AppError(ERROR_CODES.SESSION_REVOKED, 'This session was signed out');
        }
      } else if (message.kind === 'membership') {
        // Joined a room this stream does not carry yet: start from the join itself.
        if (!delivered.has(message.roomId) && (await store.membership(message.roomId, userId))) {
          track(message.roomId, message.seq - 1);
          yield* backfill(message.roomId);
        }
      } else {
        const { event } = message;
        const last = delivered.get(event.roomId);
        if (last === undefined || event.seq <= last) continue;
        // A gap means events were committed whose bus message has not reached us (or never
        // will): the store has them, in order.
        if (event.seq > last + 1) yield* backfill(event.roomId, event.seq - 1);
        if (!delivered.has(event.roomId)) continue;
        delivered.set(event.roomId, event.seq);
        yield event;
        if (endsMembership(event)) untrack(event.roomId);
      }
    }
  } finally {
    unsubscribeUser();
    for (const unsubscribe of roomSubscriptions.values()) unsubscribe();
  }
}
