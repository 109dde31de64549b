import { LIMITS, type StreamEvent } from '@confab/contracts';
import type { Bus } from '../ports/bus.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import { newId } from './crypto.js';
import { DeviceSession, type StreamLimits, slowConsumer } from './device-session.js';
import type { Presence } from './presence.js';

/** A poll session nobody asked for within this long is dropped. */
const IDLE_TTL_MS = 30_000;

type Deps = { store: Store; bus: Bus; presence: Presence; streamLimits: StreamLimits };

/**
 * One long-polling device's stream, kept between its polls (as Socket.IO keeps a polling
 * transport's session): events that arrive between two polls wait in a bounded buffer, so live
 * signals are not lost and a poll does not re-read memberships. A poll that names an unknown
 * session (expired, another node, a restart) starts a new one from its cursors: nothing is lost.
 */
class PollSession {
  readonly id = newId();
  lastUsed = Date.now();
  private readonly buffer: StreamEvent[] = [];
  private caughtUp = false;
  private failure: unknown;
  private changed: (() => void) | undefined;

  private readonly session: DeviceSession;

  constructor(
    deps: Deps,
    readonly auth: Authenticated,
    input: { cursors: Record<string, number>; resume: boolean },
  ) {
    const maxBuffered = deps.streamLimits.maxQueuedEvents;
    this.session = new DeviceSession(
      deps,
      auth,
      { ...input, limits: deps.streamLimits, needsHeartbeat: false },
      {
        deliver: (event) => {
          this.caughtUp = false;
          this.buffer.push(event);
          // Nobody is polling: bound what waits, and let the device resume from its cursors.
          if (this.buffer.length > maxBuffered) {
            this.session.close();
            this.failure = slowConsumer();
          }
          this.changed?.();
        },
        fail: (error) => {
          this.failure = error;
          this.changed?.();
        },
        idle: () => {
          this.caughtUp = true;
          this.changed?.();
        },
        // Nothing waits unsent on a socket here; cutting off ends the session.
        bufferedBytes: () => 0,
        cutOff: () => this.close(),
      },
    );
  }

  /** Whether a poll should answer now with what is buffered. */
  private ready(waitMs: number): boolean {
    if (this.failure !== undefined || this.buffer.length >= LIMITS.pollMaxEvents) return true;
    return this.caughtUp && (waitMs === 0 || this.buffer.some((e) => e.type !== 'sync'));
  }

  async take(waitMs: number, signal: AbortSignal | undefined): Promise<StreamEvent[]> {
    this.lastUsed = Date.now();
    if (!this.ready(waitMs)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        signal?.addEventListener('abort', done, { once: true });
        this.changed = () => {
          if (this.ready(waitMs)) done();
        };
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
      });
      this.changed = undefined;
    }
    this.lastUsed = Date.now();
    if (this.failure !== undefined && this.buffer.length === 0) throw this.failure;
    return this.buffer.splice(0, LIMITS.pollMaxEvents);
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  close(): void {
    this.session.close();
    this.changed?.();
  }
}

/** The poll sessions of one server process. */
export function createPolling(deps: Deps) {
  const sessions = new Map<string, PollSession>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) {
      if (now - session.lastUsed > IDLE_TTL_MS) {
        session.close();
        sessions.delete(id);
      }
    }
  }, IDLE_TTL_MS / 3);
  sweep.unref();

  return {
    /**
     * Answers at once with what is waiting after `cursors` (and the sync point), otherwise waits
     * up to `waitMs` for the first live event and answers with it and whatever came with it.
     */
    async poll(
      auth: Authenticated,
      input: {
        pollId?: string | undefined;
        cursors: Record<string, number>;
        resume: boolean;
        waitMs: number;
      },
      signal: AbortSignal | undefined,
    ): Promise<{ pollId: string; events: StreamEvent[] }> {
      let session = input.pollId ? sessions.get(input.pollId) : undefined;
      if (!session || session.auth.session.id !== auth.session.id) {
        session = new PollSession(deps, auth, input);
        sessions.set(session.id, session);
      }
      try {
        return { pollId: session.id, events: await session.take(input.waitMs, signal) };
      } finally {
        if (session.failed) {
          session.close();
          sessions.delete(session.id);
        }
      }
    },
    close(): void {
      clearInterval(sweep);
      for (const session of sessions.values()) session.close();
      sessions.clear();
    },
  };
}
export type Polling = ReturnType<typeof createPolling>;
