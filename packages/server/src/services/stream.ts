import type { StreamEvent } from '@confab/contracts';
import type { Metrics } from '../observability/metrics.js';
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
import { type Position, ResumePoints, resumePoints } from './resume-points.js';

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
  /** See DeviceSessionOptions.resumeKey (from streamStart). */
  resumeKey?: string | undefined;
}

/**
 * A device session as an async generator, for the transports whose adapter pulls (tRPC's SSE
 * responses). Events wait in a queue bounded by `maxQueuedEvents` until pulled.
 */
export async function* deviceStream(
  deps: { store: Store; bus: Bus; presence?: Presence; metrics?: Metrics | undefined },
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
      resumeKey: options.resumeKey,
    },
    {
      deliver(event) {
        if (queue.length >= limits.maxQueuedEvents) {
          if (deps.metrics) deps.metrics.hot.slowConsumerCutoffs += 1;
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

/**
 * The id an event is tracked by on the wire: `roomId:seq` for a room event, `-type` for the
 * others, then `~` and the position it was stamped at (see ResumePoints): a reconnect that
 * names it resumes every room, not only the one it names.
 */
export function eventId(event: StreamEvent, points: ResumePoints = resumePoints): string {
  const head = 'seq' in event ? `${event.roomId}:${event.seq}` : `-${event.type}`;
  return `${head}~${points.position()}`;
}

/** What a tracked id says: the room event it names, if any, and its position, if any. */
export function parseEventId(id: string): {
  room: { roomId: string; seq: number } | undefined;
  position: Position | undefined;
} {
  const tilde = id.lastIndexOf('~');
  const head = tilde < 0 ? id : id.slice(0, tilde);
  const at = tilde < 0 ? null : /^([a-z0-9]{1,12})\.([a-z0-9]{1,12})$/.exec(id.slice(tilde + 1));
  const room = /^([A-Za-z0-9_-]{1,64}):(\d{1,15})$/.exec(head);
  return {
    room: room?.[1] && room[2] ? { roomId: room[1], seq: Number(room[2]) } : undefined,
    position: at?.[1] && at[2] ? { instance: at[1], at: Number.parseInt(at[2], 36) } : undefined,
  };
}

/** A stream's start, from its input and the last tracked id its client saw (when reconnecting). */
export interface StreamStart {
  cursors: Record<string, number>;
  resume: boolean;
  /** Who this stream is to ResumePoints: the device and its original input. */
  resumeKey: string;
}

/**
 * Where a stream starts. Without `lastEventId` it is the input. With one (tRPC's reconnect:
 * the original input plus the last id), it resumes every room the user is in: from the
 * position the id carries when this process can resolve it, else from the input's cursors and,
 * for rooms they do not name, from the join (`resume: true`). Each room's cursor is the highest
 * of the input's, the bound, and the id's own seq. Never a loss; duplicates are possible (the
 * SDK drops them by seq; docs/delivery.md). WebSocket, SSE (Last-Event-ID too) and the tRPC
 * handler all start streams here.
 */
export function streamStart(
  sessionId: string,
  input: {
    cursors: Record<string, number>;
    resume: boolean;
    lastEventId?: string | null | undefined;
  },
  points: ResumePoints = resumePoints,
): StreamStart {
  const original = { cursors: input.cursors, resume: input.resume };
  const resumeKey = ResumePoints.key(sessionId, original);
  if (!input.lastEventId) return { ...original, resumeKey };
  const { room, position } = parseEventId(input.lastEventId);
  const bounds = position ? points.bounds(resumeKey, position, original) : undefined;
  const cursors = { ...input.cursors };
  for (const [roomId, seq] of Object.entries(bounds ?? {})) {
    if ((cursors[roomId] ?? -1) < seq) cursors[roomId] = seq;
  }
  if (room && (cursors[room.roomId] ?? -1) < room.seq) cursors[room.roomId] = room.seq;
  return { cursors, resume: true, resumeKey };
}
