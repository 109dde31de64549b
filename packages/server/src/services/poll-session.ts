import { LIMITS, type StreamEvent } from '@confab/contracts';
import type { Metrics } from '../observability/metrics.js';
import type { Bus } from '../ports/bus.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import { newId } from './crypto.js';
import { DeviceSession, type StreamLimits, slowConsumer } from './device-session.js';
import type { Presence } from './presence.js';

/**
 * A generous estimate of one event's JSON length (a 4,000-code-point body as surrogate pairs,
 * plus the envelope), used to size backfill pages so that one page cannot overshoot the byte
 * bound. Events with many escaped characters can be longer: the hard bound still holds them.
 */
const MAX_EVENT_CHARS = 9 * 1024;

export interface PollBufferLimits {
  /** Events waiting for the device to poll; past this the session ends (slow consumer). */
  maxEvents: number;
  /** Approximate bytes (JSON length) waiting; past this the session ends (slow consumer). */
  maxBytes: number;
}

export interface PollSessionDeps {
  store: Store;
  bus: Bus;
  presence: Presence;
  streamLimits: StreamLimits;
  /** The server's metrics (deliveries, backfill pages, cut-offs). */
  metrics?: Metrics | undefined;
}

/** An answer to one poll: the events, and its number within the session (`pollId` is `id.n`). */
export interface PollAnswer {
  answer: number;
  events: StreamEvent[];
}

/**
 * What a session hands to the node that took its device over (poll-handoff.ts): the signals,
 * which exist nowhere but here. Log events are left out: the new session reads them from the
 * store, from the device's cursors.
 */
const HANDED_OVER = new Set<StreamEvent['type']>([
  'read.updated',
  'push',
  'announcement',
  'presence',
  'typing',
  'receipt',
  'profile',
]);

/**
 * One long-polling device's stream, kept between its polls (as Socket.IO keeps a polling
 * transport's session): events that arrive between two polls wait in a bounded buffer, so live
 * signals are not lost and a poll does not re-read memberships.
 *
 * Memory: what waits is bounded in events and bytes (past either, the session ends as a slow
 * consumer and the device resumes from its cursors); backfill hands over at most one answer's
 * worth and then waits for the device to poll (`capacity`), so a backlog of any size is never
 * read into memory at once. Besides that, the session keeps its last answer until the device
 * proves it arrived (see `take`).
 */
export class PollSession {
  readonly id: string;
  lastUsed = Date.now();
  /** Resolves once the session's subscriptions are live and it has caught up (or it ended). */
  readonly synced: Promise<void>;
  private markSynced: () => void = () => {};
  private buffer: StreamEvent[] = [];
  /** Each waiting event's JSON length, in step with `buffer`. */
  private sizes: number[] = [];
  private bufferedChars = 0;
  /** The last answer given, kept until the next poll acknowledges it (or asks for it again). */
  private unacked: PollAnswer;
  private caughtUp = false;
  private closed = false;
  private failure: unknown;
  /** Wakes the poll that is waiting, if any (re-checking whether it can answer). */
  private changed: (() => void) | undefined;
  /** Ends the waiting poll at once with nothing, because another poll took its place. */
  private supersede: (() => void) | undefined;
  /** Wakes a backfill waiting for the device to take events. */
  private wakeBackfill: (() => void) | undefined;
  private readonly session: DeviceSession;

  constructor(
    deps: PollSessionDeps,
    readonly auth: Authenticated,
    input: { cursors: Record<string, number>; resume: boolean },
    private readonly limits: PollBufferLimits,
    /** A session taken over from another node keeps its id and answer numbers. */
    continued?: { id: string; answer: number },
  ) {
    this.id = continued?.id ?? newId();
    this.unacked = { answer: continued?.answer ?? 0, events: [] };
    this.synced = new Promise((resolve) => {
      this.markSynced = resolve;
    });
    this.session = new DeviceSession(
      deps,
      auth,
      { ...input, limits: deps.streamLimits, needsHeartbeat: false },
      {
        deliver: (event) => this.push(event),
        fail: (error) => {
          this.failure = error;
          this.markSynced();
          this.changed?.();
        },
        idle: () => {
          this.caughtUp = true;
          this.changed?.();
        },
        // Nothing waits unsent on a socket here; cutting off ends the session.
        bufferedBytes: () => 0,
        cutOff: () => this.close(),
        capacity: () => this.capacity(),
        drained: () =>
          new Promise<void>((resolve) => {
            this.wakeBackfill = resolve;
          }),
      },
    );
  }

  /** Events waiting for the next poll (for stats and tests). */
  get buffered(): { events: number; chars: number } {
    return { events: this.buffer.length, chars: this.bufferedChars };
  }

  /** Events held in all: waiting, plus the last answer until it is acknowledged. */
  get held(): number {
    return this.buffer.length + this.unacked.events.length;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The answer numbers a poll of this session may acknowledge: the last one, or the one before. */
  knows(answer: number): boolean {
    return answer === this.unacked.answer || answer === this.unacked.answer - 1;
  }

  private push(event: StreamEvent): void {
    if (event.type === 'sync') this.markSynced();
    this.caughtUp = false;
    const size = JSON.stringify(event).length;
    this.buffer.push(event);
    this.sizes.push(size);
    this.bufferedChars += size;
    // Nobody is polling: bound what waits, and let the device resume from its cursors.
    if (this.buffer.length > this.limits.maxEvents || this.bufferedChars > this.limits.maxBytes) {
      this.session.close();
      this.failure = slowConsumer();
    }
    this.changed?.();
  }

  /**
   * How many events backfill may add now: up to one answer's worth of events and half the
   * byte bound (so live events still fit in the other half), a page sized by the largest
   * event we expect.
   */
  private capacity(): number {
    if (this.closed || this.failure !== undefined) return 0;
    const events = LIMITS.pollMaxEvents - this.buffer.length;
    const chars = this.limits.maxBytes / 2 - this.bufferedChars;
    const room = Math.max(0, Math.min(events, Math.floor(chars / MAX_EVENT_CHARS)));
    // An empty buffer always takes one event, however small the byte bound: else nothing moves.
    return this.buffer.length === 0 ? Math.max(1, room) : room;
  }

  /** Whether a poll should answer now with what is buffered. */
  private ready(waitMs: number): boolean {
    if (this.closed || this.failure !== undefined || this.capacity() === 0) return true;
    return this.caughtUp && (waitMs === 0 || this.buffer.some((e) => e.type !== 'sync'));
  }

  /**
   * Answers a poll. `ack` is the answer number the device's pollId names (undefined for the
   * poll that opened the session). If it names the last answer, that answer arrived and is
   * dropped; if it names the one before, the last answer was lost and is given again, at once.
   * Otherwise the poll answers at once with what waits, or waits up to `waitMs` for the first
   * live event. A poll that another poll of the same session overtakes answers empty.
   */
  async take(
    ack: number | undefined,
    waitMs: number,
    signal: AbortSignal | undefined,
  ): Promise<PollAnswer> {
    this.lastUsed = Date.now();
    this.supersede?.();
    if (ack !== undefined && ack === this.unacked.answer - 1) return this.unacked;
    this.unacked = { answer: this.unacked.answer, events: [] };
    if (!this.ready(waitMs)) {
      const overtaken = await new Promise<boolean>((resolve) => {
        // The wait ends with the first live event; but a session still reading the store
        // (its first answer) answers once it has something, even past the wait: an empty
        // answer there would only make the device ask again.
        let waited = false;
        const hasSomething = () => this.caughtUp || this.buffer.length > 0;
        const timer = setTimeout(() => {
          waited = true;
          if (hasSomething()) done(false);
        }, waitMs);
        const onAbort = () => done(false);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.changed = () => {
          if (this.ready(waitMs) || (waited && hasSomething())) done(false);
        };
        this.supersede = () => done(true);
        function done(superseded: boolean) {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(superseded);
        }
      });
      if (overtaken) return { answer: this.unacked.answer, events: [] };
      this.changed = undefined;
      this.supersede = undefined;
    }
    this.lastUsed = Date.now();
    if (this.failure !== undefined && this.buffer.length === 0) throw this.failure;
    const events = this.buffer.splice(0, LIMITS.pollMaxEvents);
    for (const size of this.sizes.splice(0, events.length)) this.bufferedChars -= size;
    this.unacked = { answer: this.unacked.answer + 1, events };
    // The device took events: a backfill waiting for room goes on.
    this.wakeBackfill?.();
    this.wakeBackfill = undefined;
    return this.unacked;
  }

  /**
   * Ends the session with `reason` (a draining server's SERVICE_UNAVAILABLE): a waiting poll
   * answers what is buffered, or else fails with it, and the device reconnects.
   */
  leave(reason: unknown): void {
    this.failure ??= reason;
    this.close();
  }

  /**
   * Ends the session for a node that took its device over, and returns the signals the device
   * has not had: those waiting, and those of the last answer when `ack` says it was lost.
   */
  handOver(ack: number): StreamEvent[] {
    const lost = ack === this.unacked.answer - 1 ? this.unacked.events : [];
    const events = [...lost, ...this.buffer].filter((event) => HANDED_OVER.has(event.type));
    this.close();
    return events;
  }

  /**
   * Takes the signals another node's session held for the device, ahead of this session's own
   * (they are older). A signal both sessions heard (the two overlap for a moment, both
   * subscribed) comes once: the copy in this session's buffer stays.
   */
  adopt(events: readonly StreamEvent[]): void {
    if (events.length === 0 || this.closed) return;
    const mine = new Set(this.buffer.map((event) => JSON.stringify(event)));
    const fresh: StreamEvent[] = [];
    const sizes: number[] = [];
    for (const event of events) {
      const json = JSON.stringify(event);
      if (mine.has(json)) continue;
      fresh.push(event);
      sizes.push(json.length);
    }
    this.buffer.unshift(...fresh);
    this.sizes.unshift(...sizes);
    for (const size of sizes) this.bufferedChars += size;
    this.changed?.();
  }

  close(): void {
    this.markSynced();
    this.closed = true;
    this.session.close();
    this.wakeBackfill?.();
    this.changed?.();
  }
}
