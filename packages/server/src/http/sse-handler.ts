import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamEvent } from '@confab/contracts';
import { getErrorShape, getTRPCErrorFromUnknown, TRPCError } from '@trpc/server';
import { logIfInternal } from '../observability/internal-errors.js';
import { fallbackLogger, type Logger } from '../observability/logger.js';
import { reportError } from '../report.js';
import type { AppRouter } from '../routers/root.js';
import { DeviceSession, type DeviceSink } from '../services/device-session.js';
import type { Context } from '../trpc.js';
import type { StreamCounter } from './connection-limits.js';
import { sseNamedFrame } from './frames.js';
import { type StreamFormat, streamFormatAt, TRACKED_FORMAT } from './stream-formats.js';
import { beforeWrite } from './write-coalescing.js';

/** The response headers tRPC sends with an SSE subscription. */
const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
} as const;

/** One device's SSE response, as the sink of its session. */
class SseStream implements DeviceSink {
  session: DeviceSession | undefined;
  /** The user the stream is for, once authenticated (format 3 writes their own messages apart). */
  viewerId = '';
  /** What an error frame is shaped with, once known. */
  ctx: Context | undefined;
  input: unknown;
  /** Written to since the last keep-alive round (else it gets a ping). */
  wrote = true;

  constructor(
    private readonly res: ServerResponse,
    /** The format asked for by the path, then the one the input chose. */
    public format: StreamFormat,
    private readonly errorFrame: (stream: SseStream, error: unknown) => string,
  ) {}

  deliver(event: StreamEvent, own?: boolean): void {
    this.wrote = true;
    beforeWrite(this.res);
    this.res.write(own ? this.format.ownSse(event) : this.format.sseFrame(event, this.viewerId));
  }

  /** Ends the stream with tRPC's `serialized-error` event: the client reports the error. */
  fail(error: unknown): void {
    this.session?.close();
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end(this.errorFrame(this, error));
  }

  bufferedBytes(): number {
    return this.res.writableLength;
  }

  cork(): void {
    this.res.cork();
  }

  uncork(): void {
    this.res.uncork();
  }

  cutOff(): void {
    this.res.destroy();
  }

  ping(frame: string): void {
    if (!this.wrote && !this.res.writableEnded) this.res.write(frame);
    this.wrote = false;
  }
}

/** `connectionParams` from the query string: a JSON object of strings, or null when absent. */
function parseConnectionParams(raw: string | null): Record<string, string | undefined> | null {
  if (raw === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new TRPCError({ code: 'PARSE_ERROR', message: 'connectionParams is not JSON', cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'connectionParams must be an object' });
  const params: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' && value !== undefined && value !== null)
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'connectionParams must be strings' });
    params[key] = typeof value === 'string' ? value : undefined;
  }
  return params;
}

/** The subscription's input: `input` from the query string, with the resume id folded in. */
function parseInput(req: IncomingMessage, url: URL): unknown {
  const raw = url.searchParams.get('input');
  let input: unknown;
  try {
    input = raw === null ? undefined : JSON.parse(raw);
  } catch (cause) {
    throw new TRPCError({ code: 'PARSE_ERROR', message: 'input is not JSON', cause });
  }
  // EventSource sends the last id it saw as a header when it reconnects by itself; tRPC's link
  // puts it in the query when it reconnects.
  const header = req.headers['last-event-id'];
  const lastEventId =
    (typeof header === 'string' ? header : undefined) ??
    url.searchParams.get('lastEventId') ??
    url.searchParams.get('Last-Event-Id');
  if (!lastEventId) return input;
  if (input === undefined) return { lastEventId };
  return typeof input === 'object' && input !== null ? { ...input, lastEventId } : input;
}

/**
 * `events.onEvent` and `events.live` over SSE on a fast path, as the WebSocket one: tRPC's own SSE response runs
 * an async generator and a chain of web streams per subscriber and encodes every event for each
 * of them (about 350 µs of server CPU per delivery); here a bus publish writes each event's
 * shared bytes straight to the responses of the devices that are caught up. The bytes are those
 * of tRPC's SSE producer (`connected`, `data`/`id`, `ping`, `serialized-error`), so the
 * unmodified httpSubscriptionLink reads them.
 */
export function createSseHandler(opts: {
  router: AppRouter;
  createContext(
    req: IncomingMessage,
    res: ServerResponse,
    connectionParams: Record<string, string | undefined> | null,
  ): Context;
  /** Live event streams per user, shared with the WebSocket handler. */
  streams: StreamCounter;
  /** Where internal errors are logged. @default fallbackLogger */
  log?: Logger;
}) {
  const { router } = opts;
  const log = opts.log ?? fallbackLogger;
  const config = router._def._config;
  const pingMs = config.sse?.ping?.enabled ? (config.sse.ping.intervalMs ?? 1000) : 0;
  const connected = sseNamedFrame('connected', JSON.stringify(config.sse?.client ?? {}));
  const pingFrame = sseNamedFrame('ping', '');
  const streams = new Set<SseStream>();

  const errorFrame = (stream: SseStream, cause: unknown): string => {
    // A stream ends once (fail() is its only way to an error frame): logged once.
    logIfInternal(log, 'sse stream', cause);
    const shape = getErrorShape({
      config,
      error: getTRPCErrorFromUnknown(cause),
      type: 'subscription',
      path: stream.format.path,
      input: stream.input,
      ctx: stream.ctx,
    });
    return sseNamedFrame('serialized-error', JSON.stringify(shape));
  };

  // One timer for every stream: a stream with nothing written for a whole round gets a ping,
  // so the client (which reconnects after `reconnectAfterInactivityMs` of silence) hears from
  // the server at least every `pingMs`.
  const keepAlive =
    pingMs > 0
      ? setInterval(() => {
          for (const stream of streams) stream.ping(pingFrame);
        }, pingMs / 2)
      : undefined;
  keepAlive?.unref();

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    format: StreamFormat,
  ): Promise<void> {
    const stream = new SseStream(res, format, errorFrame);
    res.writeHead(200, SSE_HEADERS);
    res.write(connected);
    streams.add(stream);
    res.once('close', () => {
      streams.delete(stream);
      stream.session?.close();
    });
    try {
      const params = parseConnectionParams(url.searchParams.get('connectionParams'));
      const ctx = opts.createContext(req, res, params);
      stream.ctx = ctx;
      stream.input = parseInput(req, url);
      const { format: written, startFor } = format.accept(stream.input);
      stream.format = written;
      // As authedProcedure does: the token must name a live session.
      const auth = await ctx.services.accounts.authenticate(ctx.token);
      if (ctx.requestLog) ctx.requestLog.userId = auth.user.id;
      stream.viewerId = auth.user.id;
      if (res.destroyed || res.writableEnded) return;
      const release = await opts.streams.acquire(auth.user.id);
      // The slot may be counted in Redis: the client may have gone meanwhile.
      if (res.destroyed || res.writableEnded) {
        release();
        return;
      }
      res.once('close', release);
      stream.session = new DeviceSession(
        ctx.services,
        auth,
        {
          ...startFor(auth.session.id),
          limits: ctx.services.streamLimits,
          // A vanished SSE client is indistinguishable from a quiet one: it must send heartbeats.
          needsHeartbeat: true,
        },
        stream,
      );
    } catch (error) {
      stream.fail(error);
    }
  }

  return {
    /**
     * Takes a GET of `<trpc>/events.onEvent` or `<trpc>/events.live` (not batched); false for
     * anything else.
     */
    handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
      const format = streamFormatAt(path);
      if (req.method !== 'GET' || !format) return false;
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.searchParams.has('batch')) return false;
      // serve() answers its own errors on the stream; this is only for a throw it did not expect.
      serve(req, res, url, format).catch((error: unknown) => {
        reportError('sse stream', error, log);
        res.destroy();
      });
      return true;
    },
    /** Open SSE streams. */
    size: (): number => streams.size,
    /**
     * One goodbye per open stream, for a draining server: it ends with a `serialized-error` of
     * `reason` (tRPC's client reconnects on SERVICE_UNAVAILABLE; the SDK at once, elsewhere).
     */
    goodbyes(reason: () => unknown): Array<() => void> {
      return [...streams].map((stream) => () => stream.fail(reason()));
    },
    /** Answers a stream opened while draining with that goodbye alone. */
    refuse(res: ServerResponse, path: string, reason: unknown): void {
      const format = streamFormatAt(path) ?? TRACKED_FORMAT;
      const stream = new SseStream(res, format, errorFrame);
      res.writeHead(200, { ...SSE_HEADERS, Connection: 'close' });
      stream.fail(reason);
    },
    close(): void {
      if (keepAlive) clearInterval(keepAlive);
      for (const stream of streams) stream.cutOff();
      streams.clear();
    },
  };
}
