import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { openConfabDevice } from './confab-device.js';
import type { Sink } from './types.js';

/**
 * The SDK's connect timeout (packages/client/src/client.ts: connectTimeoutMs), which ends when
 * the server accepts the stream (tRPC's `started`), not at the sync point after the backfill...
 */
const CONNECT_TIMEOUT_MS = 8000;
/** ...and its backoff between attempts (packages/client/src/backoff.ts: DEFAULT_BACKOFF). */
const BACKOFF = { minDelayMs: 500, maxDelayMs: 15_000 };

/** The SDK's "equal jitter" delay before retry `attempt` (0-based): half the ceiling plus a random share. */
function backoffDelayMs(attempt: number): number {
  const ceiling = Math.min(BACKOFF.maxDelayMs, BACKOFF.minDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export interface ResumeOptions {
  port: number;
  token: string;
  roomId: string;
  /** The last seq of the room the device has. */
  cursor: number;
  subscriber: number;
  /** Deliveries, and failures once the device is live (a failed attempt is retried instead). */
  sink: Sink;
  closing: () => boolean;
  /** performance.now() after which no attempt starts and none is waited for. */
  deadline: number;
}

export interface Resumed {
  ws: WebSocket;
  attempts: number;
  /** The room's seq in the `sync` event that ended the backfill. */
  syncedAt: number;
}

/**
 * A device coming back as the SDK does: `events.live` with `cursors` {room: last seq} and
 * `resume: true`; an attempt that fails, or that the server has not accepted within the SDK's
 * connect timeout, is dropped and tried again after the SDK's backoff, from the last seq
 * received, until `deadline`. Deliveries of a dropped attempt are ignored, so the sink sees
 * each seq once.
 */
export async function resumeConfabDevice(options: ResumeOptions): Promise<Resumed> {
  const { sink } = options;
  let cursor = options.cursor;
  for (let attempt = 1; ; attempt++) {
    let current = true;
    let live = false;
    let syncedAt = -1;
    let dropped: ((error: Error) => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    // The attempt ends at the first of: synced, failed (sink.fail before live), not accepted
    // in time.
    const failed = new Promise<never>((_, reject) => {
      dropped = reject;
      timer = setTimeout(
        () => reject(new Error(`not accepted within ${CONNECT_TIMEOUT_MS} ms`)),
        Math.min(CONNECT_TIMEOUT_MS, options.deadline - performance.now()),
      );
    });
    const attemptSink: Sink = {
      deliver(subscriber, seq, index) {
        if (!current) return;
        cursor = seq;
        sink.deliver(subscriber, seq, index);
      },
      fail(reason) {
        if (live) sink.fail(reason);
        else dropped?.(new Error(reason));
      },
    };
    const opening = openConfabDevice({
      port: options.port,
      token: options.token,
      cursors: { [options.roomId]: cursor },
      resume: true,
      subscriber: options.subscriber,
      sink: attemptSink,
      closing: () => !current || options.closing(),
      timeoutMs: Math.max(1, options.deadline - performance.now()),
      onStarted: () => clearTimeout(timer),
      onSync: (cursors) => {
        syncedAt = cursors[options.roomId] ?? -1;
      },
    });
    try {
      const ws = await Promise.race([opening, failed]);
      live = true;
      return { ws, attempts: attempt, syncedAt };
    } catch (error) {
      current = false;
      // A connection that opens after its attempt was given up is dropped at once.
      opening.then(
        (late) => late.terminate(),
        () => {},
      );
      const delay = backoffDelayMs(attempt - 1);
      if (options.closing() || performance.now() + delay >= options.deadline) throw error;
      await sleep(delay);
    } finally {
      clearTimeout(timer);
    }
  }
}
