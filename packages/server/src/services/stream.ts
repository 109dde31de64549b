import { ERROR_CODES, type RoomEvent, type StreamEvent } from '@confab/contracts';
import { AppError } from '../errors.js';
import type { Bus, BusMessage } from '../ports/bus.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import type { Presence } from './presence.js';

/** Backfill reads the log in pages of this many events. */
const BACKFILL_PAGE = 500;

/** How a transport reports what it has not yet written to the network. */
export interface Backpressure {
  bufferedBytes(): number;
  /** Drops the connection at once (its buffers are freed; the client resumes from its cursors). */
  cutOff(): void;
}

export interface StreamLimits {
  /** A device whose unsent bytes pass this is cut off. @default 4 MiB */
  maxBufferedBytes: number;
  /** A device with more events queued than this (not pulling) is cut off. @default 10000 */
  maxQueuedEvents: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxBufferedBytes: 4 * 1024 * 1024,
  maxQueuedEvents: 10_000,
};

export interface StreamOptions {
  /** Last seq the device has per room; rooms it does not list start live. */
  cursors: Record<string, number>;
  /** Rooms missing from `cursors` start at the device's join (true) or live (false). */
  resume: boolean;
  signal: AbortSignal | undefined;
  limits?: StreamLimits;
  backpressure?: Backpressure | undefined;
  /** SSE: the device must send heartbeats (presence.heartbeat) or be cut off. */
  needsHeartbeat?: boolean;
  /** Called each time the stream has delivered all it has and is about to wait for more. */
  onIdle?: () => void;
}

export const slowConsumer = () =>
  new AppError(
    ERROR_CODES.SLOW_CONSUMER,
    'The connection fell too far behind; reconnect to resume',
  );

/**
 * One device's stream: the events of all its user's rooms, in seq order per room, each once,
 * plus the user's live signals.
 *
 * Order of work (the race it avoids: an event committed between reading the backlog and
 * subscribing would be lost): subscribe to live events first and queue them, then backfill each
 * room whose log moved past the device's cursor, then drain the queue, dropping what backfill
 * already delivered and filling any gap from the store. Resuming costs one membership query
 * plus a log read for each room that changed, however many rooms the user is in.
 */
export async function* deviceStream(
  deps: { store: Store; bus: Bus; presence?: Presence },
  auth: Authenticated,
  options: StreamOptions,
): AsyncGenerator<StreamEvent> {
  const { store, bus } = deps;
  const limits = options.limits ?? DEFAULT_STREAM_LIMITS;
  const userId = auth.user.id;
  const queue: BusMessage[] = [];
  let overflowed = false;
  let wake: (() => void) | undefined;
  const push = (message: BusMessage) => {
    if (queue.length >= limits.maxQueuedEvents) {
      // Not pulling: stop queueing (memory stays bounded) and end the stream when it next runs.
      overflowed = true;
    } else {
      queue.push(message);
    }
    wake?.();
  };
  const roomSubscriptions = new Map<string, () => void>();
  let detachPresence: (() => void) | undefined;
  /** Highest seq delivered per room; the keys are the rooms this stream carries. */
  const delivered = new Map<string, number>();

  const unsubscribers = [bus.subscribe(`user:${userId}`, push), bus.subscribe('broadcast', push)];
  // One listener for the stream's life (not one per wait): aborting wakes the loop to end it.
  const onAbort = () => wake?.();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  unsubscribers.push(() => options.signal?.removeEventListener('abort', onAbort));
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
  const checkPressure = () => {
    const buffered = options.backpressure?.bufferedBytes() ?? 0;
    if (overflowed || buffered > limits.maxBufferedBytes) {
      options.backpressure?.cutOff();
      throw slowConsumer();
    }
  };

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
        checkPressure();
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
    const stale: string[] = [];
    for (const { id, lastSeq, joinedSeq } of await store.roomSeqsOf(userId)) {
      const start = options.resume ? Math.max(0, joinedSeq - 1) : lastSeq;
      const cursor = Math.min(options.cursors[id] ?? start, lastSeq);
      track(id, cursor);
      if (cursor < lastSeq) stale.push(id);
    }
    for (const roomId of stale) yield* backfill(roomId);
    yield { type: 'sync', cursors: Object.fromEntries(delivered) };
    if (deps.presence) {
      // This device now counts as present; and it learns who else is.
      detachPresence = deps.presence.attach(auth, {
        needsHeartbeat: options.needsHeartbeat ?? false,
        cutOff: () => options.backpressure?.cutOff(),
      });
      const peers = await store.peersOf(userId);
      yield { type: 'presence.snapshot', users: peers.length ? await deps.presence.of(peers) : [] };
    }

    while (!options.signal?.aborted) {
      checkPressure();
      const message = queue.shift();
      if (!message) {
        options.onIdle?.();
        if (options.signal?.aborted) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if (message.kind === 'session-ended') {
        if (message.sessionId === auth.session.id) {
          throw new AppError(ERROR_CODES.SESSION_REVOKED, 'This session was signed out');
        }
      } else if (message.kind === 'user') {
        yield message.event;
      } else if (message.kind === 'signal') {
        // Typing and receipts of rooms this stream carries, never the user's own typing.
        const { event } = message;
        if (delivered.has(event.roomId) && !(event.type === 'typing' && event.userId === userId))
          yield event;
      } else if (message.kind === 'membership') {
        // Joined a room this stream does not carry yet (here or on another device): start from
        // the join itself, so the device sees its own member.joined first.
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
    detachPresence?.();
    for (const unsubscribe of unsubscribers) unsubscribe();
    for (const unsubscribe of roomSubscriptions.values()) unsubscribe();
  }
}

/** The id a room event is tracked by on the wire: `roomId:seq`. */
export function eventId(event: StreamEvent): string {
  return 'seq' in event ? `${event.roomId}:${event.seq}` : `-${event.type}`;
}

/** Raises `cursors` with a `roomId:seq` event id the transport says was the last one received. */
export function applyLastEventId(
  cursors: Record<string, number>,
  lastEventId: string | null | undefined,
) {
  const match = lastEventId ? /^([A-Za-z0-9_-]{1,64}):(\d{1,15})$/.exec(lastEventId) : null;
  if (!match?.[1] || !match[2]) return cursors;
  const seq = Number(match[2]);
  return (cursors[match[1]] ?? -1) < seq ? { ...cursors, [match[1]]: seq } : cursors;
}
