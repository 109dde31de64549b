import type { StreamEvent } from '@confab/contracts';
import type { Bus } from '../ports/bus.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import {
  DEFAULT_STREAM_LIMITS,
  DeviceSession,
  type StreamLimits,
  slowConsumer,
} from './device-session.js';
import type { Presence } from './presence.js';

export { DEFAULT_STREAM_LIMITS, type StreamLimits, slowConsumer } from './device-session.js';

/** How a transport reports what it has not yet written to the network. */
export interface Backpressure {
  bufferedBytes(): number;
  /** Drops the connection at once (its buffers are freed; the client resumes from its cursors). */
  cutOff(): void;
}

export interface StreamOptions {
  cursors: Record<string, number>;
  resume: boolean;
  signal: AbortSignal | undefined;
  limits?: StreamLimits;
  backpressure?: Backpressure | undefined;
  needsHeartbeat?: boolean;
}

/**
 * A device session as an async generator, for the transports whose adapter pulls (tRPC's SSE
 * responses). Events wait in a queue bounded by `maxQueuedEvents` until pulled.
 */
export async function* deviceStream(
  deps: { store: Store; bus: Bus; presence?: Presence },
  auth: Authenticated,
  options: StreamOptions,
): AsyncGenerator<StreamEvent> {
  const limits = options.limits ?? DEFAULT_STREAM_LIMITS;
  const queue: StreamEvent[] = [];
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const session = new DeviceSession(
    deps,
    auth,
    {
      cursors: options.cursors,
      resume: options.resume,
      limits,
      needsHeartbeat: options.needsHeartbeat ?? false,
    },
    {
      deliver(event) {
        if (queue.length >= limits.maxQueuedEvents) {
          session.close();
          options.backpressure?.cutOff();
          failure = { error: slowConsumer() };
        } else {
          queue.push(event);
        }
        wake?.();
      },
      fail(error) {
        failure = { error };
        wake?.();
      },
      bufferedBytes: () => options.backpressure?.bufferedBytes() ?? 0,
      cutOff: () => options.backpressure?.cutOff(),
    },
  );
  const onAbort = () => wake?.();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (!options.signal?.aborted) {
      const event = queue.shift();
      if (event) {
        yield event;
        continue;
      }
      if (failure) throw failure.error;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    session.close();
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
