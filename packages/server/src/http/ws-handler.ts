import type { IncomingMessage } from 'node:http';
import { ERROR_CODES, type StreamEvent } from '@confab/contracts';
import {
  callTRPCProcedure,
  getErrorShape,
  getTRPCErrorFromUnknown,
  isTrackedEnvelope,
  TRPCError,
} from '@trpc/server';
import type { WebSocket, WebSocketServer } from 'ws';
import { AppError } from '../errors.js';
import { logIfInternal } from '../observability/internal-errors.js';
import { fallbackLogger, type Logger } from '../observability/logger.js';
import { reportError } from '../report.js';
import type { AppRouter } from '../routers/root.js';
import { DeviceSession, type DeviceSink } from '../services/device-session.js';
import { createTokenBuckets } from '../services/rate-limit.js';
import { SmallMap } from '../services/small-map.js';
import type { Backpressure } from '../services/stream.js';
import type { Context } from '../trpc.js';
import type { ConnectionLimits, StreamCounter } from './connection-limits.js';
import { framePrefix, sendPongs, sendShared, sendText, socketOf } from './frames.js';
import { type StreamFormat, streamFormatOf } from './stream-formats.js';
import { holdUntilBurstEnds } from './write-coalescing.js';

/** WebSocket close code sent to a device cut off for not reading fast enough. */
export const SLOW_CONSUMER_CLOSE_CODE = 4008;
/** Close code for a socket that did not send its connectionParams in time (policy violation). */
export const AUTH_TIMEOUT_CLOSE_CODE = 1008;
/** Close code for a socket closed after sitting with no subscription and no request. */
export const IDLE_CLOSE_CODE = 4000;
/** Close code of a draining server's goodbye (RFC 6455 "Service Restart"): reconnect elsewhere. */
export const SERVICE_RESTART_CLOSE_CODE = 1012;
/** Close code for a socket whose address sent more frames than its budget (policy violation). */
export const TOO_MANY_FRAMES_CLOSE_CODE = 1008;
/** A frame may batch at most this many requests. */
const MAX_BATCH = 100;

/**
 * A WebSocket's unsent bytes, and how a device that stopped reading is cut off (code 4008).
 * A class, not closures: one of these lives as long as each connection (thousands per process),
 * and methods on the prototype cost nothing per instance.
 */
export class WsBackpressure implements Backpressure {
  constructor(protected readonly ws: WebSocket) {}

  bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  cutOff(): void {
    cutOffSlowConsumer(this.ws);
  }
}

/** Closes a socket whose peer stopped reading (code 4008), and drops it if it stays deaf. */
function cutOffSlowConsumer(ws: WebSocket): void {
  closeThenDrop(ws, SLOW_CONSUMER_CLOSE_CODE, 'Slow consumer');
}

/** Closes a socket, and drops it if its peer does not answer the close in a second. */
function closeThenDrop(ws: WebSocket, code: number, reason: string): void {
  ws.close(code, reason);
  // close() waits for the peer, which may not be reading: drop the socket after a moment.
  setTimeout(() => ws.terminate(), 1000).unref();
}

type RequestId = string | number;
interface Request {
  id: RequestId;
  jsonrpc: boolean;
  method: 'query' | 'mutation' | 'subscription' | 'subscription.stop';
  path: string;
  input: unknown;
  lastEventId: string | undefined;
}

/** What an error frame answers: the request's id and, for its shape, path and input. */
interface ErrorTarget {
  id: RequestId | null;
  jsonrpc?: boolean;
  path?: string;
  input?: unknown;
}

interface Connection {
  ws: WebSocket;
  /** The client's address, whose frame budget this socket's frames take from. */
  address: string;
  /** Kept only until the context exists: an upgrade request holds kilobytes of headers. */
  req: IncomingMessage | undefined;
  ctx: Context | undefined;
  /** The first message must be connectionParams (the client asked with ?connectionParams=1). */
  awaitingParams: boolean;
  /** A SmallMap: a socket almost always has one subscription, its device stream. */
  subscriptions: SmallMap<RequestId, { close(): void }>;
  /** Subscriptions being set up (authenticating): they count against the socket's cap. */
  pendingSubscriptions: number;
  /** Queries and mutations running. */
  inFlight: number;
  lastHeard: number;
  pingedAt: number;
  openedAt: number;
  /** When the socket last asked for something (pings aside), for the idle deadline. */
  lastRequestAt: number;
  /** The server drains: close (1012) once the running queries and mutations have answered. */
  leaving: boolean;
  /** A PONG is on its way to the kernel; PINGs meanwhile are owed (`pongsOwed`), see answerPing. */
  pongWriting: boolean;
  pongsOwed: number;
  /** Answers (results, errors) written behind unsent bytes and not yet in the kernel. */
  answersQueued: number;
}

/**
 * Where a device session on a WebSocket sends its events: the event's shared frame straight
 * to the socket. Holds only what an event or the end needs (the frame prefix, the request's id)
 * so that an idle device costs little.
 */
class WsDeviceSink extends WsBackpressure implements DeviceSink {
  /** Whether tRPC's `started` was written; it goes with the stream's first event (deliver). */
  private started = false;

  constructor(
    private readonly c: Connection,
    private readonly requestId: RequestId,
    private readonly jsonrpc: boolean,
    private readonly prefix: string,
    private readonly format: StreamFormat,
    /** The user the stream is for (format 3 writes their own messages apart). */
    private readonly viewerId: string,
    private readonly failed: (c: Connection, request: ErrorTarget, error: unknown) => void,
  ) {
    super(c.ws);
  }

  deliver(event: StreamEvent, own?: boolean): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (!this.started) this.start();
    if (own) sendText(this.ws, this.format.ownWsJson(event, this.prefix));
    else sendShared(this.ws, this.format.wsFrame(event, this.prefix, this.viewerId));
  }

  /**
   * Writes `started` and holds the socket until the burst of work is done, so that `started`,
   * a backfill page, `sync` and the presence snapshot written in it leave in one writev. Written
   * when the stream was accepted, `started` took a system call of its own (the backfill's store
   * read waits a turn of the event loop, see sharedReads): a reconnect storm's devices each got
   * three writes where two do (the upgrade's answer and this one). A stream's first event
   * follows its acceptance by its store reads; a client waiting for `started` (tRPC's, the
   * SDK's start timeout) gets it then, before any event, as before.
   */
  private start(): void {
    this.started = true;
    const socket = socketOf(this.ws);
    if (socket) holdUntilBurstEnds(socket);
    const { requestId: id, jsonrpc } = this;
    sendText(
      this.ws,
      JSON.stringify({ id, ...(jsonrpc ? { jsonrpc: '2.0' } : {}), result: { type: 'started' } }),
    );
  }

  cork(): void {
    socketOf(this.ws)?.cork();
  }

  uncork(): void {
    socketOf(this.ws)?.uncork();
  }

  fail(error: unknown): void {
    // close() also frees the user's stream slot.
    this.c.subscriptions.get(this.requestId)?.close();
    this.c.subscriptions.delete(this.requestId);
    const target = { id: this.requestId, jsonrpc: this.jsonrpc, path: this.format.path };
    this.failed(this.c, target, error);
  }
}

/**
 * A socket's device stream as its subscriptions hold it: closing it ends the session and frees
 * the user's stream slot. A class rather than an object with a closure, which would cost each
 * idle device ~100 bytes more.
 */
class EventStream {
  constructor(
    private readonly session: DeviceSession,
    private readonly release: () => void,
  ) {}

  close(): void {
    this.session.close();
    this.release();
  }
}

function parseRequest(raw: unknown): Request | { id: RequestId | null; problem: string } {
  if (typeof raw !== 'object' || raw === null)
    return { id: null, problem: 'A request is a JSON object' };
  const m = raw as { id?: unknown; jsonrpc?: unknown; method?: unknown; params?: unknown };
  const id = typeof m.id === 'number' || typeof m.id === 'string' ? m.id : null;
  if (id === null) return { id, problem: 'A request needs an id' };
  const method = m.method;
  if (
    method !== 'query' &&
    method !== 'mutation' &&
    method !== 'subscription' &&
    method !== 'subscription.stop'
  ) {
    return { id, problem: 'Unknown method' };
  }
  const params = (typeof m.params === 'object' && m.params !== null ? m.params : {}) as {
    path?: unknown;
    input?: unknown;
    lastEventId?: unknown;
  };
  if (method !== 'subscription.stop' && typeof params.path !== 'string')
    return { id, problem: 'A request needs a path' };
  return {
    id,
    jsonrpc: m.jsonrpc === '2.0',
    method,
    path: typeof params.path === 'string' ? params.path : '',
    input: params.input,
    lastEventId: typeof params.lastEventId === 'string' ? params.lastEventId : undefined,
  };
}

/**
 * Confab's WebSocket endpoint: tRPC's wire protocol (what `wsLink` speaks: connectionParams,
 * queries, mutations, subscriptions, stop, PING/PONG, reconnect), with the device stream on a
 * fast path. tRPC's own adapter runs an async generator per subscriber and builds and
 * stringifies every frame per connection; here a bus publish writes each event's shared,
 * pre-built frame straight to the sockets of the devices that are caught up.
 */
export function attachWebSocketHandler(opts: {
  wss: WebSocketServer;
  router: AppRouter;
  createContext(
    req: IncomingMessage,
    ws: WebSocket,
    connectionParams: Record<string, string | undefined> | null,
  ): Context;
  pingMs: number;
  pongWaitMs: number;
  limits: ConnectionLimits;
  /** Live event streams per user, shared with the SSE handler. */
  streams: StreamCounter;
  /**
   * A socket whose peer has left more than this unread is cut off (4008) instead of being
   * answered again: what the server writes in answer to requests (PONGs, results, errors) is
   * then bounded as a device stream's events are (the stream limits' `maxBufferedBytes`).
   */
  maxUnreadBytes: number;
  /** The client's address of an upgrade request (the frame budget is per address). */
  addressOf(req: IncomingMessage): string;
  /** Told of each socket closed for its address's frame budget (a metric). */
  onFrameBudgetSpent?(): void;
  /** The refusal of requests on a socket that is leaving (the server drains). */
  restarting(): unknown;
  /** Where internal errors and each connection's line go. @default fallbackLogger */
  log?: Logger;
}) {
  const { router, limits } = opts;
  const log = opts.log ?? fallbackLogger;
  const logConnections = log.isLevelEnabled('info');
  const connections = new Set<Connection>();
  /**
   * Every frame costs the event loop that all devices share, whatever it carries: one socket
   * sending one-byte frames that are not JSON as fast as it could kept the API process's core
   * busy, and another device's PING waited 1.7-2.9 s for its PONG (8.7 s with eight such
   * sockets). Each address has a budget of frames; a frame past it is not read, nor anything
   * after it on that socket, which is closed (p99 ~2 ms for the other device then).
   */
  const frameBudget = createTokenBuckets({
    ratePerSecond: limits.wsFramesPerSecondPerAddress,
    burst: limits.wsFrameBurstPerAddress,
  });

  /**
   * An answer to the socket. Behind nothing it goes to the kernel at once (and costs no
   * callback). Behind unsent bytes, the peer reads slower than it asks: its socket is not read
   * until the answers waiting have gone, so its next requests wait in the kernel's buffers, not
   * as answers here (a waiting 130-byte error holds ~470 bytes of heap; bounded by bytes alone,
   * one deaf peer left 32,000 of them). A peer that stays deaf is dropped by the ping timeout.
   */
  const send = (c: Connection, message: object) => {
    if (c.ws.readyState !== c.ws.OPEN) return;
    const text = JSON.stringify(message);
    if (c.ws.bufferedAmount === 0) {
      c.ws.send(text);
      return;
    }
    if (c.answersQueued++ === 0) c.ws.pause();
    c.ws.send(text, () => {
      if (--c.answersQueued === 0 && c.ws.readyState === c.ws.OPEN) c.ws.resume();
    });
  };

  function sendError(
    c: Connection,
    request: ErrorTarget,
    type: 'query' | 'mutation' | 'subscription' | 'unknown',
    cause: unknown,
  ) {
    logIfInternal(log, `websocket ${type} ${request.path ?? ''}`.trimEnd(), cause);
    const error = getTRPCErrorFromUnknown(cause);
    const shape = getErrorShape({
      config: router._def._config,
      error,
      type,
      path: request.path,
      input: request.input,
      ctx: c.ctx,
    });
    send(c, { id: request.id, ...(request.jsonrpc ? { jsonrpc: '2.0' } : {}), error: shape });
  }

  const failSubscription = (c: Connection, request: ErrorTarget, error: unknown) =>
    sendError(c, request, 'subscription', error);

  async function subscribeToEvents(
    c: Connection,
    ctx: Context,
    request: Request,
    format: StreamFormat,
  ) {
    const { format: written, startFor } = format.accept({
      ...(request.input as object),
      lastEventId: request.lastEventId,
    });
    const auth = await ctx.services.accounts.authenticate(ctx.token);
    if (ctx.requestLog) ctx.requestLog.userId = auth.user.id;
    if (c.ws.readyState !== c.ws.OPEN || c.subscriptions.has(request.id)) return;
    const release = await opts.streams.acquire(auth.user.id);
    // The slot may be counted in Redis: the socket may have gone, or the id been taken, meanwhile.
    if (c.ws.readyState !== c.ws.OPEN || c.subscriptions.has(request.id)) {
      release();
      return;
    }
    c.subscriptions.set(request.id, { close: release });
    // `started` is written by the sink, with the stream's first event (WsDeviceSink.start).
    const session = new DeviceSession(
      ctx.services,
      auth,
      {
        ...startFor(auth.session.id),
        limits: ctx.services.streamLimits,
        needsHeartbeat: false,
      },
      new WsDeviceSink(
        c,
        request.id,
        request.jsonrpc,
        framePrefix(request.id, request.jsonrpc),
        written,
        auth.user.id,
        failSubscription,
      ),
    );
    c.subscriptions.set(request.id, new EventStream(session, release));
  }

  /** Any other subscription: the procedure's async iterable, pumped frame by frame. */
  async function subscribeGeneric(
    c: Connection,
    ctx: Context,
    request: Request,
    started: () => void,
  ) {
    const abort = new AbortController();
    const iterable = (await callTRPCProcedure({
      router,
      path: request.path,
      getRawInput: async () => request.input,
      ctx,
      type: 'subscription',
      signal: abort.signal,
      batchIndex: 0,
    })) as AsyncIterable<unknown>;
    c.subscriptions.set(request.id, { close: () => abort.abort() });
    started();
    send(c, { id: request.id, result: { type: 'started' } });
    for await (const value of iterable) {
      if (abort.signal.aborted) break;
      const [trackedId, data] = isTrackedEnvelope(value) ? value : [undefined, value];
      send(c, {
        id: request.id,
        result: {
          type: 'data',
          ...(trackedId ? { id: trackedId, data: { id: trackedId, data } } : { data }),
        },
      });
    }
    c.subscriptions.delete(request.id);
  }

  /** A draining server's goodbye: the reconnect notice, then close 1012. */
  function closeForRestart(c: Connection) {
    send(c, { id: null, method: 'reconnect' });
    c.ws.close(SERVICE_RESTART_CLOSE_CODE, 'Server restarting');
  }

  function handle(c: Connection, request: Request) {
    const ctx = c.ctx;
    if (!ctx) return;
    if (c.leaving && request.method !== 'subscription.stop') {
      // Waiting for its running requests to answer before the goodbye: nothing new starts.
      const type = request.method === 'subscription' ? 'subscription' : request.method;
      sendError(c, request, type, opts.restarting());
      return;
    }
    if (request.method === 'subscription.stop') {
      c.subscriptions.get(request.id)?.close();
      if (c.subscriptions.delete(request.id))
        send(c, { id: request.id, result: { type: 'stopped' } });
      return;
    }
    if (request.method === 'subscription') {
      if (c.subscriptions.has(request.id)) {
        sendError(
          c,
          request,
          'subscription',
          new TRPCError({ code: 'BAD_REQUEST', message: `Duplicate id ${request.id}` }),
        );
        return;
      }
      if (c.subscriptions.size + c.pendingSubscriptions >= limits.maxSubscriptionsPerSocket) {
        sendError(c, request, 'subscription', tooMany('subscriptions on one connection'));
        return;
      }
      // Counted as pending until it is in `c.subscriptions` (or failed).
      c.pendingSubscriptions += 1;
      let settled = false;
      const settle = () => {
        if (!settled) c.pendingSubscriptions -= 1;
        settled = true;
      };
      const format = streamFormatOf(request.path);
      const run = format
        ? subscribeToEvents(c, ctx, request, format)
        : subscribeGeneric(c, ctx, request, settle);
      run.then(settle, (error: unknown) => {
        settle();
        c.subscriptions.get(request.id)?.close();
        c.subscriptions.delete(request.id);
        sendError(c, request, 'subscription', error);
      });
      return;
    }
    if (c.inFlight >= limits.maxInFlightPerSocket) {
      sendError(c, request, request.method, tooMany('requests running on one connection'));
      return;
    }
    c.inFlight += 1;
    callTRPCProcedure({
      router,
      path: request.path,
      getRawInput: async () => request.input,
      ctx,
      type: request.method,
      signal: undefined,
      batchIndex: 0,
    })
      .then(
        (data: unknown) =>
          send(c, {
            id: request.id,
            ...(request.jsonrpc ? { jsonrpc: '2.0' } : {}),
            result: { type: 'data', data },
          }),
        (error: unknown) => sendError(c, request, request.method as 'query' | 'mutation', error),
      )
      .catch((error: unknown) => reportError('websocket reply', error, log))
      .finally(() => {
        c.inFlight -= 1;
        if (c.leaving && c.inFlight === 0) closeForRestart(c);
      });
  }

  /**
   * One PONG per PING, in order after what the socket was sent before. While a PONG waits for a
   * peer that does not read, later ones are counted and follow in one write.
   */
  function answerPing(c: Connection) {
    if (c.pongWriting) {
      c.pongsOwed += 1;
      return;
    }
    const flush = (count: number) => {
      c.pongWriting = true;
      sendPongs(c.ws, count, () => {
        c.pongWriting = false;
        const owed = c.pongsOwed;
        c.pongsOwed = 0;
        if (owed > 0 && c.ws.readyState === c.ws.OPEN) flush(owed);
      });
    };
    flush(1);
  }

  function onMessage(c: Connection, data: Buffer) {
    // Closing: what else the peer sent is not read (ws parses it, nothing more).
    if (c.ws.readyState !== c.ws.OPEN) return;
    const now = Date.now();
    if (frameBudget.take(c.address, now) > 0) {
      // Nothing more is read from it: the peer's close cannot come back, the drop ends it.
      c.ws.pause();
      closeThenDrop(c.ws, TOO_MANY_FRAMES_CLOSE_CODE, 'Too many frames from this address');
      opts.onFrameBudgetSpent?.();
      return;
    }
    // Owed PONGs count as the bytes they will be on the wire (6 each).
    if (c.ws.bufferedAmount + c.pongsOwed * 6 > opts.maxUnreadBytes) {
      // A peer that sends but does not read (a flood of PINGs, say) would make the server
      // buffer its answers without end.
      cutOffSlowConsumer(c.ws);
      return;
    }
    c.lastHeard = now;
    c.pingedAt = 0;
    const text = data.toString();
    if (text === 'PING') {
      answerPing(c);
      return;
    }
    if (text === 'PONG') return;
    c.lastRequestAt = c.lastHeard;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      sendError(
        c,
        { id: null },
        'unknown',
        new TRPCError({ code: 'PARSE_ERROR', message: 'Not JSON', cause }),
      );
      return;
    }
    if (c.awaitingParams) {
      const m = parsed as { method?: unknown; data?: unknown } | null;
      if (m?.method !== 'connectionParams') {
        sendError(
          c,
          { id: null },
          'unknown',
          new TRPCError({ code: 'BAD_REQUEST', message: 'Expected connectionParams first' }),
        );
        c.ws.close();
        return;
      }
      const params =
        typeof m.data === 'object' && m.data !== null ? (m.data as Record<string, unknown>) : {};
      const strings = Object.fromEntries(
        Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      if (c.req) c.ctx = opts.createContext(c.req, c.ws, strings);
      c.req = undefined;
      c.awaitingParams = false;
      return;
    }
    const requests = Array.isArray(parsed) ? parsed : [parsed];
    if (requests.length > MAX_BATCH) {
      sendError(
        c,
        { id: null },
        'unknown',
        new TRPCError({ code: 'BAD_REQUEST', message: `At most ${MAX_BATCH} requests per frame` }),
      );
      return;
    }
    for (const raw of requests) {
      const request = parseRequest(raw);
      if ('problem' in request)
        sendError(
          c,
          { id: request.id },
          'unknown',
          new TRPCError({ code: 'BAD_REQUEST', message: request.problem }),
        );
      else handle(c, request);
    }
  }

  // One listener of each kind for every socket, finding its connection by the socket: a
  // closure per socket and event is memory an idle device would hold for nothing.
  const connectionOf = new WeakMap<WebSocket, Connection>();
  function onSocketMessage(this: WebSocket, data: Buffer) {
    const c = connectionOf.get(this);
    if (!c) return;
    try {
      onMessage(c, data);
    } catch (error) {
      // Whatever a frame did, only its own connection pays.
      reportError('websocket message', error, log);
      this.terminate();
    }
  }
  function onSocketClose(this: WebSocket, code: number) {
    const c = connectionOf.get(this);
    if (!c) return;
    if (logConnections) logClosed(c, code);
    connectionOf.delete(this);
    connections.delete(c);
    for (const subscription of c.subscriptions.values()) subscription.close();
    c.subscriptions.clear();
  }
  /** A WebSocket's one line, at its end: a stream, as an SSE request's line is. */
  function logClosed(c: Connection, code: number) {
    const record = c.ctx?.requestLog;
    log.info(
      {
        ...(record ? { reqId: record.id } : {}),
        method: 'GET',
        route: '/trpc',
        transport: 'ws',
        status: 101,
        closeCode: code,
        durationMs: Date.now() - c.openedAt,
        ...(record?.userId ? { userId: record.userId } : {}),
      },
      'websocket',
    );
  }
  // Socket errors (a bad frame, a reset) must not crash the process; close follows.
  const ignoreSocketError = () => {};

  function onConnection(ws: WebSocket, req: IncomingMessage) {
    ws.on('error', ignoreSocketError);
    const awaitingParams =
      new URL(req.url ?? '/', 'http://x').searchParams.get('connectionParams') === '1';
    const now = Date.now();
    const c: Connection = {
      ws,
      address: opts.addressOf(req),
      req: awaitingParams ? req : undefined,
      ctx: awaitingParams ? undefined : opts.createContext(req, ws, null),
      awaitingParams,
      subscriptions: new SmallMap(),
      pendingSubscriptions: 0,
      inFlight: 0,
      lastHeard: now,
      pingedAt: 0,
      openedAt: now,
      lastRequestAt: now,
      leaving: false,
      pongWriting: false,
      pongsOwed: 0,
      answersQueued: 0,
    };
    connections.add(c);
    connectionOf.set(ws, c);
    ws.on('message', onSocketMessage);
    ws.on('close', onSocketClose);
  }
  opts.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    try {
      onConnection(ws, req);
    } catch (error) {
      reportError('websocket connection', error, log);
      ws.terminate();
    }
  });

  // One timer for every connection (not one per socket): ping the quiet ones, drop the silent.
  const keepAlive = setInterval(
    () => {
      const now = Date.now();
      for (const c of connections) {
        if (c.pingedAt && now - c.pingedAt > opts.pongWaitMs) c.ws.terminate();
        else if (c.awaitingParams && now - c.openedAt > limits.authTimeoutMs)
          c.ws.close(AUTH_TIMEOUT_CLOSE_CODE, 'connectionParams not sent in time');
        else if (
          c.subscriptions.size === 0 &&
          c.pendingSubscriptions === 0 &&
          c.inFlight === 0 &&
          now - c.lastRequestAt > limits.idleSocketTimeoutMs
        )
          c.ws.close(IDLE_CLOSE_CODE, 'Idle');
        else if (!c.pingedAt && now - c.lastHeard >= opts.pingMs && c.ws.readyState === c.ws.OPEN) {
          c.ws.send('PING');
          c.pingedAt = now;
        }
      }
    },
    Math.max(
      100,
      Math.min(opts.pingMs, opts.pongWaitMs, limits.authTimeoutMs, limits.idleSocketTimeoutMs) / 2,
    ),
  );
  keepAlive.unref();

  return {
    /** Open WebSocket connections. */
    size: (): number => connections.size,
    /**
     * One goodbye per connection, for a draining server: the reconnect notice and close 1012,
     * once the queries and mutations running on it have answered.
     */
    goodbyes(): Array<() => void> {
      return [...connections].map((c) => () => {
        c.leaving = true;
        if (c.inFlight === 0) closeForRestart(c);
      });
    },
    /** Drops every connection without a closing handshake (a drain's deadline). */
    terminateAll(): void {
      for (const c of connections) c.ws.terminate();
    },
    close(): void {
      clearInterval(keepAlive);
    },
  };
}

/** The refusal of one request too many on a connection: retry once another has finished. */
function tooMany(what: string): AppError {
  return new AppError(ERROR_CODES.RATE_LIMITED, `Too many ${what}`, { retryAfterMs: 1000 });
}
