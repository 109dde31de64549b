import {
  ERROR_CODES,
  LIMITS,
  type PresenceState,
  type RoomEvent,
  type StreamEvent,
} from '@confab/contracts';
import { AppError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { Bus, BusMessage } from '../ports/bus.js';
import type { RoomHead, Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import type { Presence, PresenceChangedEvent, StreamHandle } from './presence.js';
import { type ResumePoint, type ResumePoints, resumePoints } from './resume-points.js';
import { SmallMap } from './small-map.js';

/** Backfill reads the log in pages of this many events. */
const BACKFILL_PAGE = 500;

export interface StreamLimits {
  /** A device whose unsent bytes pass this is cut off. @default 4 MiB */
  maxBufferedBytes: number;
  /** A device with more events waiting than this (not pulling) is cut off. @default 10000 */
  maxQueuedEvents: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxBufferedBytes: 4 * 1024 * 1024,
  maxQueuedEvents: 10_000,
};

/** Where a device session's events go: a WebSocket, an SSE generator, a poll buffer. */
export interface DeviceSink {
  /**
   * One event; the session guarantees seq order per room and no duplicates. `own`: the event
   * was made for this device alone (its sync point, its presence snapshot), so an encoding of it
   * is worth neither caching nor keeping in a Buffer (see frames.ts, sendText).
   */
  deliver(event: StreamEvent, own?: boolean): void;
  /** The session ended for good (revoked, too slow, store failure); nothing follows. */
  fail(error: unknown): void;
  /** Everything available so far has been delivered (used by long polling). */
  idle?(): void;
  /** Bytes written but not yet sent to the network. */
  bufferedBytes(): number;
  /** Drops the connection at once (the device resumes from its cursors). */
  cutOff(): void;
  /**
   * Holds writes until `uncork` and then sends them together: a device catching up gets a page
   * of events in one write instead of one write each (a reconnect storm is mostly such writes).
   */
  cork?(): void;
  uncork?(): void;
  /**
   * Pull-based sinks (long polling): how many more events backfill may hand over now. Backfill
   * reads pages of at most this many and, at 0, waits for `drained` (bus messages wait in the
   * session's bounded queue meanwhile), so a device with a large backlog never has more than
   * what it can take read into memory at once. Push sinks leave it out: they are paced by
   * their socket's unsent bytes.
   */
  capacity?(): number;
  /** Resolves once `capacity()` may be positive again (the device took events) or it ended. */
  drained?(): Promise<void>;
}

export interface DeviceSessionOptions {
  /** Last seq the device has per room; rooms it does not list start at the join or live. */
  cursors: Record<string, number>;
  /** Rooms missing from `cursors` start at the device's join (true) or live (false). */
  resume: boolean;
  limits: StreamLimits;
  /** SSE: the device must send heartbeats (presence.heartbeat) or be cut off. */
  needsHeartbeat: boolean;
  /**
   * The device and original input (streamStart): the session tells ResumePoints when it
   * opened, synced and closed, so a reconnect naming one of its ids resumes every room.
   */
  resumeKey?: string | undefined;
}

export const slowConsumer = () =>
  new AppError(
    ERROR_CODES.SLOW_CONSUMER,
    'The connection fell too far behind; reconnect to resume',
  );

/**
 * One device's stream, push-based: the events of all its user's rooms, in seq order per room,
 * each once, plus the user's signals. Every transport runs on it; the WebSocket path writes its
 * events straight to the socket from the bus publish, with no generator or queue in between.
 *
 * Order of work (the race it avoids: an event committed between reading the backlog and
 * subscribing would be lost): subscribe to the bus first, then backfill each room whose log
 * moved past the device's cursor, send the sync point, then go live. While store work is under
 * way (start, a gap, a new room) bus messages wait in a bounded queue and are applied after it,
 * in order; otherwise a message is applied the moment it is published.
 */
export class DeviceSession implements StreamHandle {
  /**
   * Bus messages waiting for store work (see above); made when the first one waits and let go
   * once drained, so that an idle session holds no array.
   */
  private queue: BusMessage[] | undefined;
  /**
   * Highest seq delivered per room; the keys are the rooms this session carries, and the rooms
   * whose bus topic it is subscribed to. A SmallMap: most devices carry one room, and a Map's
   * table would cost each idle device ~150 bytes.
   */
  private readonly delivered = new SmallMap<string, number>();
  /**
   * Rooms followed before the store said whether the session carries them (see begin); only
   * while the session starts, so that an idle session holds no Set.
   */
  private early: Set<string> | undefined;
  private busy = true;
  private closed = false;
  /** A bus gap is waiting in the queue: later gap reports are covered by it. */
  private resyncQueued = false;
  private readonly limits: StreamLimits;
  /** Presence's view of this device's stream (StreamHandle): whether it must send heartbeats. */
  readonly needsHeartbeat: boolean;
  private readonly points: ResumePoints;
  private readonly point: ResumePoint | undefined;

  constructor(
    private readonly deps: {
      store: Store;
      bus: Bus;
      presence?: Presence | undefined;
      /** @default the process's registry */
      resumePoints?: ResumePoints | undefined;
      /** The server's metrics; the session counts into their plain numbers (HotCounts). */
      metrics?: Metrics | undefined;
    },
    private readonly auth: Authenticated,
    options: DeviceSessionOptions,
    private readonly sink: DeviceSink,
  ) {
    this.limits = options.limits;
    this.needsHeartbeat = options.needsHeartbeat;
    this.points = deps.resumePoints ?? resumePoints;
    // Opened before subscribing: every id this session stamps is at or after it.
    this.point = options.resumeKey ? this.points.open(options.resumeKey) : undefined;
    if (deps.metrics) deps.metrics.hot.liveStreams += 1;
    const live = Promise.all([
      deps.bus.subscribe(`user:${auth.user.id}`, this.onMessage),
      deps.bus.subscribe('broadcast', this.onMessage),
    ]);
    // The cursors are needed only until the session is live: not kept for its whole life (a
    // device that resumes lists every room it has; thousands of devices stay connected).
    const { cursors, resume } = options;
    void this.work(async () => {
      // Subscribed before the store is read: a membership change published meanwhile waits
      // in the queue instead of falling between the read and the subscription.
      await live;
      await this.begin(cursors, resume);
    });
  }

  /** Drops the connection (presence found the device gone); it resumes from its cursors. */
  cutOff(): void {
    this.sink.cutOff();
  }

  /** Presence tells this device of a peer's change (as if it came on the user's topic). */
  presenceChanged(event: PresenceChangedEvent): void {
    this.onMessage({ kind: 'user', event });
  }

  /** Ends the session (the device left); no event is delivered after this. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.deps.metrics) this.deps.metrics.hot.liveStreams -= 1;
    if (this.point) this.points.close(this.point);
    this.deps.presence?.detach(this.auth, this);
    const { bus } = this.deps;
    bus.unsubscribe(`user:${this.auth.user.id}`, this.onMessage);
    bus.unsubscribe('broadcast', this.onMessage);
    for (const roomId of this.delivered.keys()) bus.unsubscribe(`room:${roomId}`, this.onMessage);
    for (const roomId of this.early ?? []) bus.unsubscribe(`room:${roomId}`, this.onMessage);
    this.delivered.clear();
    this.early = undefined;
    this.queue = undefined;
  }

  private readonly onMessage = (message: BusMessage): void => {
    if (this.closed) return;
    if (message.kind === 'gap') {
      // One resync covers every topic: a burst of gap reports queues one.
      if (this.resyncQueued) return;
      this.resyncQueued = true;
    }
    if (!this.busy && this.apply(message)) {
      this.sink.idle?.();
      return;
    }
    this.queue ??= [];
    const { queue } = this;
    if (queue.length >= this.limits.maxQueuedEvents) {
      this.end(slowConsumer(), true);
      return;
    }
    queue.push(message);
    if (!this.busy) void this.work(() => Promise.resolve());
  };

  /** Runs store work, then drains what queued meanwhile; one at a time. */
  private async work(task: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await task();
      while (!this.closed) {
        const message = this.queue?.shift();
        if (!message) {
          this.queue = undefined;
          break;
        }
        if (!this.apply(message)) await this.applySlowly(message);
      }
    } catch (error) {
      this.end(error, false);
      return;
    } finally {
      this.busy = false;
    }
    if (!this.closed) this.sink.idle?.();
  }

  private async begin(cursors: Record<string, number>, resume: boolean): Promise<void> {
    const { store, bus } = this.deps;
    // The rooms the device names (a resuming device names all of its rooms) are followed before
    // the store is read, so an event committed after the read reaches this session on the bus.
    // Until the read says whether the user is a member, their messages only wait in the queue
    // (apply drops those of rooms the session does not carry).
    const followed = new Set(Object.keys(cursors));
    this.early = followed;
    await Promise.all([...followed].map((id) => bus.subscribe(`room:${id}`, this.onMessage)));
    if (this.closed) return;
    const read = await store.roomSeqsOf(this.auth.user.id);
    if (this.closed) return;
    const subscribed: Promise<void>[] = [];
    for (const { id, lastSeq, joinedSeq } of read) {
      const start = resume ? Math.max(0, joinedSeq - 1) : lastSeq;
      subscribed.push(this.track(id, Math.min(cursors[id] ?? start, lastSeq)));
    }
    for (const id of followed)
      if (!this.delivered.has(id)) bus.unsubscribe(`room:${id}`, this.onMessage);
    this.early = undefined;
    await Promise.all(subscribed);
    if (this.closed) return;
    // A room followed only after the read (one the device did not name) may have had an event
    // committed after the read whose bus message went out before its subscription was live:
    // the heads are read again now that every subscription is, or this session would see that
    // event only with the room's next one, if any. When every room was followed before the
    // read, that read is as good (the second read per device was a tenth of a reconnect
    // storm's store work).
    const heads = await this.catchUp(read.every(({ id }) => followed.has(id)) ? read : undefined);
    if (this.closed) return;
    const synced = Object.fromEntries(this.delivered.entries());
    // Recorded before the sync point is stamped, so ids after it are known to follow it.
    if (this.point) this.points.synced(this.point, synced);
    this.emit({ type: 'sync', cursors: synced }, true);
    const { presence } = this.deps;
    if (presence && !this.closed) {
      // This device now counts as present; and it learns who else is.
      const users = await presence.attach(this.auth, this, heads, LIMITS.presenceSnapshotMax);
      // Frozen and shared by the user's devices (PresenceSnapshots): never changed after this.
      if (!this.closed)
        this.emit({ type: 'presence.snapshot', users: users as PresenceState[] }, true);
    }
  }

  /**
   * Backfills every room whose head is past what was delivered, and starts the rooms joined
   * meanwhile from their join; a room left meanwhile gets its events up to the leave (which
   * ends its subscription, see accept). Reads the heads unless given ones read while every
   * room they list was followed; resolves with them.
   */
  private async catchUp(read?: RoomHead[]): Promise<RoomHead[]> {
    const heads = read ?? (await this.deps.store.roomSeqsOf(this.auth.user.id));
    const member = new Set<string>();
    const subscribed: Promise<void>[] = [];
    for (const { id, joinedSeq } of heads) {
      member.add(id);
      if (!this.delivered.has(id)) subscribed.push(this.track(id, Math.max(0, joinedSeq - 1)));
    }
    await Promise.all(subscribed);
    for (const { id, lastSeq } of heads) {
      if (this.closed) return heads;
      if ((this.delivered.get(id) ?? lastSeq) < lastSeq) await this.backfill(id);
    }
    for (const roomId of [...this.delivered.keys()]) {
      if (this.closed) return heads;
      if (!member.has(roomId)) await this.backfill(roomId);
    }
    return heads;
  }

  /**
   * After the bus said it may have lost messages: whether this session was signed out (its
   * 'session-ended' may be among them), then every room from the store (catchUp). Signals
   * lost meanwhile (typing, read markers of other devices) are not replayed: they are
   * best-effort.
   */
  private async resync(): Promise<void> {
    const session = await this.deps.store.sessionByTokenHash(this.auth.session.tokenHash);
    if (!session || session.revokedAt !== null) {
      this.end(new AppError(ERROR_CODES.SESSION_REVOKED, 'This session was signed out'), false);
      return;
    }
    await this.catchUp();
  }

  /** Applies a message that needs no store work; false when it does (a gap, a new room). */
  private apply(message: BusMessage): boolean {
    const userId = this.auth.user.id;
    switch (message.kind) {
      case 'user':
        this.emit(message.event);
        return true;
      case 'signal': {
        // Typing and receipts of rooms this session carries, never the user's own typing.
        const { event } = message;
        if (
          this.delivered.has(event.roomId) &&
          !(event.type === 'typing' && event.userId === userId)
        )
          this.emit(event);
        return true;
      }
      case 'session-ended':
        if (message.sessionId === this.auth.session.id) {
          this.end(new AppError(ERROR_CODES.SESSION_REVOKED, 'This session was signed out'), false);
        }
        return true;
      case 'membership':
        return this.delivered.has(message.roomId);
      case 'gap':
        return false;
      case 'device':
        // This device's heartbeat or activity, called on another node.
        if (message.sessionId === this.auth.session.id)
          this.deps.presence?.touched(this.auth, message.active);
        return true;
      case 'presence':
      case 'poll-handoff':
      case 'poll-handed':
        // Only on the `presence` and `polls` topics, which nodes follow, not devices.
        return true;
      case 'room': {
        const { event } = message;
        const last = this.delivered.get(event.roomId);
        if (last === undefined || event.seq <= last) return true;
        if (event.seq > last + 1) return false;
        this.accept(event);
        return true;
      }
    }
  }

  private async applySlowly(message: BusMessage): Promise<void> {
    if (message.kind === 'membership') {
      // Joined a room this session does not carry yet (here or on another device): start from
      // the join itself, so the device sees its own member.joined first.
      if (await this.deps.store.membership(message.roomId, this.auth.user.id)) {
        await this.track(message.roomId, message.seq - 1);
        await this.backfill(message.roomId);
      }
    } else if (message.kind === 'gap') {
      this.resyncQueued = false;
      await this.resync();
    } else if (message.kind === 'room') {
      // A gap: events committed whose bus message has not reached us (or never will). The
      // store has them, in order.
      await this.backfill(message.event.roomId, message.event.seq - 1);
      this.apply(message);
    }
  }

  /** Events of `roomId` after what was delivered, up to `untilSeq` (inclusive) when given. */
  private async backfill(roomId: string, untilSeq = Number.POSITIVE_INFINITY): Promise<void> {
    for (;;) {
      const from = this.delivered.get(roomId);
      if (this.closed || from === undefined || from >= untilSeq) return;
      const limit = await this.pageLimit();
      if (this.closed || limit <= 0) return;
      const page = await this.deps.store.eventsAfter(roomId, from, limit);
      if (this.deps.metrics) this.deps.metrics.hot.backfillPages += 1;
      if (this.closed || !this.delivered.has(roomId)) return;
      // The log is contiguous but for its front, which retention deletes: a page that does not
      // start right after the cursor (or is empty) may mean the device is behind the start.
      if (page.events[0]?.seq !== from + 1 && (await this.truncated(roomId, from))) continue;
      this.sink.cork?.();
      try {
        for (const event of page.events) {
          if (this.closed || event.seq > untilSeq || !this.delivered.has(roomId)) return;
          this.accept(event);
        }
      } finally {
        this.sink.uncork?.();
      }
      if (!page.hasMore) return;
    }
  }

  /**
   * Whether the room's history before its start was deleted (retention) past what the device
   * has: then it is told so (history.truncated) and continues from the start. The page read
   * before is dropped and read again from there, as the cut may have moved since.
   */
  private async truncated(roomId: string, from: number): Promise<boolean> {
    const start = await this.deps.store.historyStart(roomId);
    if (this.closed || start <= from + 1 || this.delivered.get(roomId) !== from) return false;
    this.delivered.set(roomId, start - 1);
    this.emit({ type: 'history.truncated', roomId, beforeSeq: start });
    return true;
  }

  /** How many events the next backfill page may hold: what the sink can take, waiting for room. */
  private async pageLimit(): Promise<number> {
    const { sink } = this;
    if (!sink.capacity || !sink.drained) return BACKFILL_PAGE;
    for (;;) {
      const room = sink.capacity();
      if (room > 0 || this.closed) return Math.min(room, BACKFILL_PAGE);
      await sink.drained();
    }
  }

  private accept(event: RoomEvent): void {
    this.delivered.set(event.roomId, event.seq);
    this.emit(event);
    this.deps.metrics?.roomEventDelivered(event);
    if (
      (event.type === 'member.left' || event.type === 'member.removed') &&
      event.userId === this.auth.user.id
    ) {
      this.deps.bus.unsubscribe(`room:${event.roomId}`, this.onMessage);
      this.delivered.delete(event.roomId);
    }
  }

  /** Follows a room from `cursor`; resolves once its subscription is live. */
  private track(roomId: string, cursor: number): Promise<void> {
    this.delivered.set(roomId, cursor);
    // Subscribing is idempotent: a room tracked again (a new join) keeps one subscription.
    return this.deps.bus.subscribe(`room:${roomId}`, this.onMessage);
  }

  private emit(event: StreamEvent, own = false): void {
    if (this.closed) return;
    if (this.sink.bufferedBytes() > this.limits.maxBufferedBytes) {
      this.end(slowConsumer(), true);
      return;
    }
    this.sink.deliver(event, own);
    if (this.deps.metrics) this.deps.metrics.hot.deliveries += 1;
  }

  private end(error: unknown, cutOff: boolean): void {
    if (this.closed) return;
    if (cutOff && this.deps.metrics) this.deps.metrics.hot.slowConsumerCutoffs += 1;
    this.close();
    if (cutOff) this.sink.cutOff();
    this.sink.fail(error);
  }
}
