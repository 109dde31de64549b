import type { Server, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { streamFormatOf } from './stream-formats.js';

/** How `close()` drains (see docs/scaling.md, "Graceful drain"). */
export interface DrainOptions {
  /**
   * The goodbyes to live streams (WebSocket close 1012, an SSE `serialized-error`, a long poll
   * answered with SERVICE_UNAVAILABLE) are spread at random over this window, so that thousands
   * of devices do not reconnect to the other nodes in the same millisecond. Capped at half of
   * `drainTimeoutMs`. @default 1500
   */
  drainSpreadMs?: number;
  /**
   * What is still open this long after close() began (a request that never finishes, a peer
   * that does not answer the WebSocket close) is cut. @default 10000
   */
  drainTimeoutMs?: number;
}

export const DEFAULT_DRAIN_SPREAD_MS = 1_500;
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** A live stream's goodbye: tells its device to reconnect (elsewhere) now. */
export type Goodbye = () => void;

/**
 * The refusal a draining server gives streams and polls: tRPC's SERVICE_UNAVAILABLE (503), which
 * the SDK reads as "reconnect now, elsewhere" rather than as a failure.
 */
export function serverRestarting(): TRPCError {
  return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Server restarting: reconnect' });
}

/** Whether a request opens a device stream or a poll: refused while the server drains. */
export function opensStream(path: string, trpcPath: string): boolean {
  if (!path.startsWith(`${trpcPath}/`)) return false;
  // A batch names its procedures separated by commas.
  return path
    .slice(trpcPath.length + 1)
    .split(',')
    .some((procedure) => procedure === 'events.poll' || streamFormatOf(procedure) !== undefined);
}

/**
 * Calls each goodbye once, at a random moment within `spreadMs` (uniform, so the reconnects
 * that follow arrive at the other nodes at an even rate). Returns a function that calls the
 * ones not yet due at once.
 */
export function spreadOver(
  goodbyes: readonly Goodbye[],
  spreadMs: number,
  random: () => number = Math.random,
): () => void {
  const pending = new Map<ReturnType<typeof setTimeout>, Goodbye>();
  for (const goodbye of goodbyes) {
    const timer = setTimeout(
      () => {
        pending.delete(timer);
        goodbye();
      },
      Math.floor(random() * spreadMs),
    );
    pending.set(timer, goodbye);
  }
  return () => {
    for (const [timer, goodbye] of pending) {
      clearTimeout(timer);
      goodbye();
    }
    pending.clear();
  };
}

function untrack(this: ServerResponse & { tracker?: Set<ServerResponse> }) {
  this.tracker?.delete(this);
}

/**
 * The requests being answered, so that a drain can make each answer close its connection:
 * Node's `server.close()` closes the idle keep-alive connections but keeps serving one whose
 * request is running, and the client would send its next request there.
 */
export function createResponseTracker() {
  const active = new Set<ServerResponse>();
  return {
    add(res: ServerResponse): void {
      active.add(res);
      // One shared listener rather than a closure per request.
      Object.assign(res, { tracker: active });
      res.once('close', untrack);
    },
    /** Every answer not begun yet says `Connection: close` (the client reconnects elsewhere). */
    closeAfterAnswers(): void {
      for (const res of active) if (!res.headersSent) res.setHeader('Connection', 'close');
    },
  };
}

/**
 * Drains a Node HTTP server: stops listening at once (behind a proxy, the refused connect sends
 * new devices to another node) and closes the idle keep-alive connections, says each live
 * stream's goodbye within the spread, lets requests that are running finish (a send mid-commit
 * is answered; the caller makes their answers close their connections), and at the deadline
 * cuts whatever is left. Resolves once every connection is gone, with whether the deadline had
 * to cut some.
 */
export async function drainHttpServer(
  server: Server,
  opts: {
    goodbyes: readonly Goodbye[];
    spreadMs: number;
    timeoutMs: number;
    /** At the deadline: end what the HTTP server does not track (upgraded WebSockets). */
    cutRest(): void;
  },
): Promise<{ cut: boolean }> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sayRest = spreadOver(opts.goodbyes, Math.min(opts.spreadMs, opts.timeoutMs / 2));
  let cut = false;
  const deadline = setTimeout(() => {
    cut = true;
    sayRest();
    opts.cutRest();
    server.closeAllConnections();
  }, opts.timeoutMs);
  try {
    await closed;
  } finally {
    clearTimeout(deadline);
    sayRest();
  }
  return { cut };
}
