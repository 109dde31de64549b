import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LIMITS } from '@confab/contracts';
import { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { WebSocketServer } from 'ws';
import { createRedisStreamCounter } from '../adapters/redis-stream-counter.js';
import type { NotifyConfig } from '../notify/config.js';
import { createReadiness } from '../observability/health.js';
import { logIfInternal } from '../observability/internal-errors.js';
import { fallbackLogger, type Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { answerScrape, bearerMatches, METRICS_PATH } from '../observability/metrics-route.js';
import {
  newRequestRecord,
  type RequestRecord,
  requestIdOf,
  startRequestLog,
} from '../observability/request-log.js';
import type { Bus } from '../ports/bus.js';
import type { Notifier } from '../ports/notifier.js';
import type { PresenceDirectory } from '../ports/presence-directory.js';
import type { Store } from '../ports/store.js';
import { reportError } from '../report.js';
import { appRouter } from '../routers/root.js';
import type { RateLimitStore, RateRules } from '../services/abuse-limits.js';
import type { JwtConfig } from '../services/identity-jwt.js';
import { createServices } from '../services/index.js';
import type { SearchConcurrency } from '../services/search.js';
import type { StreamLimits } from '../services/stream.js';
import type { Context, Services } from '../trpc.js';
import { createAvatarRoutes } from './avatar-routes.js';
import { clientAddress } from './client-address.js';
import {
  type ConnectionLimits,
  createAddressCounter,
  createStreamCounter,
  DEFAULT_CONNECTION_LIMITS,
} from './connection-limits.js';
import { readCookie, sessionCookieName, writeSessionCookie } from './cookies.js';
import { createCors } from './cors.js';
import {
  createResponseTracker,
  DEFAULT_DRAIN_SPREAD_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  type DrainOptions,
  drainHttpServer,
  opensStream,
  serverRestarting,
} from './drain.js';
import { createFileRoutes } from './file-routes.js';
import { createOriginCheck } from './origin.js';
import { createPipeliningGuard } from './pipelining.js';
import { refuseRequest } from './refuse.js';
import { createRequestBudget, refuseUpgrade, tooManyRequests } from './request-budget.js';
import type { ResponseCompression } from './response-compression.js';
import { createRpcHandler } from './rpc-handler.js';
import { setApiSecurityHeaders } from './security-headers.js';
import { createSseHandler } from './sse-handler.js';
import { createStaticHandler } from './static.js';
import { streamFormatAt } from './stream-formats.js';
import { attachWebSocketHandler, WsBackpressure } from './ws-handler.js';

export interface ChatServerConfig {
  /** Compression of API answers (JSON, long polls): threshold and levels. @see ResponseCompression */
  responseCompression?: Partial<ResponseCompression>;
  /** A built web app to serve at `/` (index.html for unknown paths). None when absent. */
  staticDir?: string | undefined;
  /** Mark the session cookie Secure (set when served over HTTPS). @default false */
  secureCookies?: boolean;
  /** API keys other apps use for the push API (`X-Api-Key`). @default [] (push API off) */
  apiKeys?: readonly string[];
  /** An SSE device that sends no heartbeat for this long is dropped. @default 45000 */
  heartbeatTtlMs?: number;
  /** Writes per user (send, edit, delete). @default 10 per second, bursts of 20 */
  sendRate?: { perSecond: number; burst: number };
  /** When a device counts as too slow to keep (see DESIGN: slow consumers). */
  streamLimits?: Partial<StreamLimits>;
  /** Server pings an idle WebSocket this often... @default 10000 */
  wsPingMs?: number;
  /** ...and closes it when no pong comes within this. @default 5000 */
  wsPongWaitMs?: number;
  /** Offline notifications: Web Push and webhooks (see docs/notifications.md). */
  notifications?: NotifyConfig;
  /**
   * Origins besides the server's own whose pages may use the session cookie (and so open a
   * cookie-authenticated WebSocket or SSE stream). @default [] (same origin only)
   */
  allowedOrigins?: readonly string[];
  /**
   * Behind a reverse proxy: take the client's address from the last `X-Forwarded-For` hop
   * (per-address limits would otherwise count the proxy as one client). @default false
   */
  trustProxy?: boolean;
  /** Rate limits, each `{ points, windowMs }` (see docs/security.md). @default DEFAULT_RATE_RULES */
  rateLimits?: Partial<RateRules>;
  /**
   * Where rate-limit counters live: a connected node-redis client shares them between
   * processes (see abuse-limits.ts). @default this process's memory
   */
  rateLimitStore?: RateLimitStore;
  /**
   * Where presence is shared between processes (createRedisPresenceDirectory); the caller
   * closes it after the server. @default this process alone
   */
  presenceDirectory?: PresenceDirectory;
  /** Searches running at once, in all and per user (services/search.ts). */
  searchConcurrency?: Partial<SearchConcurrency>;
  /** Connection caps and deadlines (see docs/security.md). @default DEFAULT_CONNECTION_LIMITS */
  connectionLimits?: Partial<ConnectionLimits>;
  /**
   * Where logs go: one line per request and stream (info), internal errors with their stack.
   * @default fallbackLogger (warnings and errors only, on stderr)
   */
  logger?: Logger;
  /**
   * Serve /metrics on this port too, to requests with `Authorization: Bearer <token>`. Without
   * it /metrics is not served here (404); see createMetricsServer for a port of its own.
   */
  metricsToken?: string;
  /** /readyz gives the database and the bus this long to answer. @default 2000 */
  readinessTimeoutMs?: number;
  /** Origins whose pages may call the API with a bearer token (CORS, see cors.ts). @default [] */
  corsOrigins?: readonly string[];
  /** Accept JWTs that an app signs for its users (see identity-jwt.ts). @default off */
  jwt?: JwtConfig;
}

/** Paths for operators, answered as data (never the web app's pages). */
const OPERATIONS_PATHS = new Set(['/healthz', '/livez', '/readyz', METRICS_PATH]);

/** The API path: tRPC over HTTP and SSE under it, WebSocket upgrades at it. */
export const TRPC_PATH = '/trpc';

/** The session token: bearer header, then connectionParams, then (allowed origins only) cookie. */
function tokenFrom(
  req: IncomingMessage,
  connectionParams: Record<string, string | undefined> | null | undefined,
  cookieAllowed: boolean,
  cookieName: string,
): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || undefined;
  const param = connectionParams?.token;
  if (typeof param === 'string' && param) return param;
  return cookieAllowed ? readCookie(req, cookieName) : undefined;
}

function apiKeyFrom(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  return typeof header === 'string' ? header : undefined;
}

export { SLOW_CONSUMER_CLOSE_CODE } from './ws-handler.js';

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * Connections the kernel queues before the server accepts them. Node's default (511) overflows
 * when thousands of devices reconnect at once after a restart: the dropped ones wait out a SYN
 * retry (1 s, then 3 s...) and then come back on top of the rest. The kernel caps it at
 * net.core.somaxconn.
 */
const LISTEN_BACKLOG = 4096;

/**
 * The Confab server as a library: one Node HTTP server that carries tRPC queries and mutations
 * (HTTP), subscriptions (SSE on the same path, WebSocket on upgrade) and, optionally, the web app.
 */
export function createChatServer(deps: {
  store: Store;
  bus: Bus;
  /** Who hears of new messages. @default Web Push and webhooks (`config.notifications`) */
  notifier?: Notifier;
  config?: ChatServerConfig;
}) {
  const config = deps.config ?? {};
  const limits: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...config.connectionLimits };
  const log = config.logger ?? fallbackLogger;
  const metrics = createMetrics();
  // The adapters count and log into this server's registry and logger (group commits, pool
  // use, bus lag, their connection errors).
  deps.store.observe?.({ log, metrics });
  deps.bus.observe?.({ log, metrics });
  const services: Services = createServices(
    {
      store: deps.store,
      bus: deps.bus,
      ...(deps.notifier ? { notifier: deps.notifier } : {}),
      log,
      metrics,
    },
    {
      apiKeys: config.apiKeys ?? [],
      jwt: config.jwt,
      streamLimits: config.streamLimits ?? {},
      ...(config.sendRate ? { sendRate: config.sendRate } : {}),
      ...(config.heartbeatTtlMs ? { heartbeatTtlMs: config.heartbeatTtlMs } : {}),
      ...(config.notifications ? { notifications: config.notifications } : {}),
      ...(config.rateLimits ? { rateLimits: config.rateLimits } : {}),
      ...(config.rateLimitStore ? { rateLimitStore: config.rateLimitStore } : {}),
      ...(config.presenceDirectory ? { presenceDirectory: config.presenceDirectory } : {}),
      ...(config.searchConcurrency ? { searchConcurrency: config.searchConcurrency } : {}),
      polling: {
        maxPollSessionsPerDevice: limits.maxPollSessionsPerDevice,
        maxPollSessionsPerUser: limits.maxPollSessionsPerUser,
        maxPollBufferedEvents: limits.maxPollBufferedEvents,
        maxPollBufferedBytes: limits.maxPollBufferedBytes,
      },
    },
  );
  const secure = config.secureCookies ?? false;
  const cookieName = sessionCookieName(secure);
  const origins = createOriginCheck({ allowedOrigins: config.allowedOrigins ?? [], secure });
  const trustProxy = config.trustProxy ?? false;
  /** The key of a request's per-address limits (client-address.ts). */
  const addressOf = (req: IncomingMessage) => clientAddress(req, trustProxy, limits.ipv6PrefixBits);
  const cors = createCors(config.corsOrigins ?? []);
  // With a shared store (Redis) the per-user stream cap holds across every process.
  const streams = config.rateLimitStore
    ? createRedisStreamCounter(config.rateLimitStore.redis, limits.maxStreamsPerUser)
    : createStreamCounter(limits.maxStreamsPerUser);

  /**
   * Who a request (or WebSocket upgrade) comes from, the same for every transport: its token,
   * whether its page may use the cookie (a page of another origin never rides it, see
   * origin.ts), its API key and its address.
   */
  const callerOf = (
    req: IncomingMessage,
    connectionParams: Record<string, string | undefined> | null,
  ) => {
    const cookieOriginAllowed = origins.cookieAllowed(req);
    return {
      token: tokenFrom(req, connectionParams, cookieOriginAllowed, cookieName),
      cookieOriginAllowed,
      apiKey: apiKeyFrom(req),
      address: addressOf(req),
    };
  };
  /**
   * A request's (or WebSocket's) context: its caller, and what its transport adds (HTTP can
   * write the session cookie, for pages that may use it). One object literal naming every
   * field, not a spread of the caller: once V8 has seen many spreads, each result gets a hidden
   * class of its own (~300 bytes), and a WebSocket's context lives as long as the socket.
   */
  const contextOf = (
    req: IncomingMessage,
    connectionParams: Record<string, string | undefined> | null,
    carrier: Pick<Context, 'requestLog' | 'transport' | 'backpressure'> & {
      writeSessionCookie: Context['setSessionCookie'];
    },
  ): Context => {
    const caller = callerOf(req, connectionParams);
    return {
      services,
      token: caller.token,
      cookieOriginAllowed: caller.cookieOriginAllowed,
      apiKey: caller.apiKey,
      address: caller.address,
      requestLog: carrier.requestLog,
      setSessionCookie: caller.cookieOriginAllowed ? carrier.writeSessionCookie : undefined,
      transport: carrier.transport,
      backpressure: carrier.backpressure,
    };
  };
  const httpContext = (
    req: IncomingMessage,
    res: ServerResponse,
    connectionParams: Record<string, string | undefined> | null,
  ): Context =>
    contextOf(req, connectionParams, {
      requestLog: requestRecords.get(req),
      writeSessionCookie: (token) => writeSessionCookie(res, token, secure),
      transport: 'http',
      // An SSE stream's unsent bytes sit in the response's write buffer.
      backpressure: { bufferedBytes: () => res.writableLength, cutOff: () => res.destroy() },
    });
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    maxBodySize: LIMITS.maxPayloadBytes,
    maxBatchSize: LIMITS.httpBatchMax,
    createContext: ({ req, res, info }) => httpContext(req, res, info.connectionParams),
    onError: ({ error, path }) => logIfInternal(log, `http ${path ?? 'request'}`, error),
  });
  // The device stream over SSE skips tRPC's per-subscriber pipeline (see sse-handler.ts), and
  // plain queries and mutations its fetch adapter (see rpc-handler.ts); tRPC serves the rest.
  const sseHandler = createSseHandler({
    router: appRouter,
    createContext: httpContext,
    streams,
    log,
  });
  const rpcHandler = createRpcHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    createContext: (req, res) => httpContext(req, res, null),
    maxBatchSize: LIMITS.httpBatchMax,
    concurrency: limits.httpBatchConcurrency,
    log,
    ...(config.responseCompression ? { compression: config.responseCompression } : {}),
  });
  const avatars = createAvatarRoutes({
    services,
    router: appRouter,
    caller: (req) => callerOf(req, null),
    log,
  });
  const files = createFileRoutes({
    services,
    router: appRouter,
    caller: (req) => callerOf(req, null),
    log,
  });
  const serveStatic = config.staticDir
    ? createStaticHandler(config.staticDir, { secure })
    : undefined;

  /** Set by close(): streams are refused, and every answer closes its connection. */
  let draining = false;
  const readiness = createReadiness({
    store: deps.store,
    bus: deps.bus,
    draining: () => draining,
    log,
    ...(config.readinessTimeoutMs ? { timeoutMs: config.readinessTimeoutMs } : {}),
  });
  const metricsToken = config.metricsToken;
  if (metricsToken) metrics.withProcessMetrics();
  metrics.sources.devices = () => ({
    ws: wssHandler.size(),
    sse: sseHandler.size(),
    poll: services.polling.stats().sessions,
  });
  metrics.sources.notify = () => services.notify.metrics();
  /** Each request's log line, for its context to name the user in (see trpc.ts). */
  const requestRecords = new WeakMap<IncomingMessage, RequestRecord>();

  const route = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const api = path === TRPC_PATH || path.startsWith(`${TRPC_PATH}/`);
    const avatar = avatars.owns(path);
    const file = files.owns(path);
    // Pages get theirs from the static handler; everything else is data, never a page.
    if (api || avatar || file || OPERATIONS_PATHS.has(path) || !serveStatic)
      setApiSecurityHeaders(res, { secure });
    // Cross-origin pages (CORS_ORIGINS) read every API answer, refusals included; preflights end here.
    if (api && cors.handle(req, res)) return;
    // Calls that reach a draining server on a kept-alive connection are answered (the store is
    // still open), and the client's next one opens a connection: behind a proxy, to another node.
    if (draining) res.setHeader('Connection', 'close');
    if (draining && opensStream(path, TRPC_PATH)) {
      if (req.method === 'GET' && streamFormatAt(path))
        sseHandler.refuse(res, path, serverRestarting());
      else refuseRequest(res, appRouter, serverRestarting());
      return;
    }
    if (api) {
      // Mutations are JSON only: a form or multipart POST (which any page may send without
      // asking, CORS or not) never reaches a procedure.
      if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'POST') {
        const message = 'Queries are GET and mutations POST requests';
        refuseRequest(res, appRouter, new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message }));
        return;
      }
      if (req.method === 'POST' && !isJson(req.headers['content-type'])) {
        const message = 'Mutations take a JSON body (Content-Type: application/json)';
        refuseRequest(res, appRouter, new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message }));
        return;
      }
      if (!sseHandler.handle(req, res, path) && !rpcHandler.handle(req, res)) trpcHandler(req, res);
    } else if (avatar) {
      avatars.handle(req, res, path);
    } else if (file) {
      files.handle(req, res, path);
    } else if (path === '/healthz' || path === '/livez') {
      // Serving: this process answers. (/healthz: the older name, kept for existing probes.)
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true }));
    } else if (path === '/readyz') {
      readiness().then(
        ({ ready, checks }) =>
          res
            .writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ ok: ready, checks })),
        (error: unknown) => {
          reportError('readiness', error, log);
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
    } else if (path === METRICS_PATH) {
      // Without a token it is not served here (404), and not the web app's page either.
      if (!metricsToken) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      else if (bearerMatches(req, metricsToken)) answerScrape(res, metrics);
      else
        res
          .writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer' })
          .end('Unauthorized');
    } else if (serveStatic) {
      serveStatic(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    }
  };
  const answering = createResponseTracker();
  const pipelining = createPipeliningGuard(limits.maxPipelinedRequests);
  const requestBudget = createRequestBudget({
    perSecond: limits.httpRequestsPerSecondPerAddress,
    burst: limits.httpRequestBurstPerAddress,
    onRefused: () => metrics.rateLimited('httpRequestsPerAddress'),
  });
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (!pipelining.admit(req, res)) return;
    answering.add(res);
    try {
      const wait = requestBudget.take(addressOf(req));
      if (wait > 0) {
        refuseRequest(res, appRouter, tooManyRequests(wait));
        return;
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      // Probes and scrapes come every few seconds: their lines only at debug.
      const quiet = OPERATIONS_PATHS.has(path);
      requestRecords.set(req, startRequestLog(req, res, log, { trustProxy, quiet }));
      route(req, res, path);
    } catch (error) {
      // Whatever a request carried, only its own answer fails.
      reportError('http request', error, log);
      refuseRequest(res, appRouter, new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error }));
    }
  };
  // Room cursors ride in SSE and poll URLs; room for ~2000 of them.
  const httpServer = createServer(
    {
      maxHeaderSize: 128 * 1024,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node looks for connections past those deadlines (its default is 30 s).
      connectionsCheckingInterval: Math.max(
        250,
        Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4,
      ),
    },
    onRequest,
  );
  // An address that has spent its request budget gets its new connections closed unread: a
  // client reconnecting after each refusal would otherwise cost a request's parsing and answer
  // every time (request-budget.ts).
  const addresses = createAddressCounter(limits.maxConnectionsPerAddress, limits.ipv6PrefixBits, {
    refuse: requestBudget.refusesConnection,
  });
  // Behind a trusted proxy every connection comes from the proxy: the per-client cap is the
  // proxy's to enforce (deploy/nginx.conf: limit_conn), counting it here would cap everyone.
  if (!trustProxy) httpServer.on('connection', (socket) => addresses.admit(socket));

  // Frames larger than the payload limit close the connection (1009) before they are parsed.
  // The handler keeps its own set of connections, so ws need not track them too.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxPayloadBytes,
    clientTracking: false,
  });
  httpServer.on('upgrade', (req, socket, head) => {
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== TRPC_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      if (draining) {
        socket.end(
          'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
        return;
      }
      const wait = requestBudget.take(addressOf(req));
      if (wait > 0) {
        refuseUpgrade(socket, wait);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (error) {
      reportError('websocket upgrade', error, log);
      socket.destroy();
    }
  });
  const wssHandler = attachWebSocketHandler({
    wss,
    router: appRouter,
    createContext: (req, ws, connectionParams): Context =>
      contextOf(req, connectionParams, {
        requestLog: newRequestRecord(requestIdOf(req, trustProxy)),
        writeSessionCookie: undefined,
        transport: 'ws',
        backpressure: new WsBackpressure(ws),
      }),
    pingMs: config.wsPingMs ?? 10_000,
    pongWaitMs: config.wsPongWaitMs ?? 5_000,
    limits,
    streams,
    maxUnreadBytes: services.streamLimits.maxBufferedBytes,
    addressOf,
    onFrameBudgetSpent: () => metrics.rateLimited('wsFramesPerAddress'),
    restarting: serverRestarting,
    log,
  });

  return {
    router: appRouter,
    services,
    httpServer,
    /** Listens; resolves with the base URL (`http://host:port`). Port 0 picks a free one. */
    listen(port: number, host = '127.0.0.1'): Promise<string> {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, LISTEN_BACKLOG, () => {
          httpServer.off('error', reject);
          const address = httpServer.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      });
    },
    /** This server's metrics (its registry: `metrics.registry`). */
    metrics,
    /** This server's logger. */
    log,
    /** Live connections, for /metrics and tests. */
    stats(): { webSockets: number; sseStreams: number } {
      return { webSockets: wssHandler.size(), sseStreams: sseHandler.size() };
    },
    /** Open event streams of a user and TCP connections of an address (for tests). */
    usage(key: { userId?: string; address?: string }): { streams: number; connections: number } {
      return {
        streams: key.userId ? streams.count(key.userId) : 0,
        connections: key.address ? addresses.count(key.address) : 0,
      };
    },
    /**
     * Drains, then closes the bus and the store: stops accepting connections and streams at
     * once, tells every live stream to reconnect elsewhere (each at a random moment within
     * `drainSpreadMs`), lets running requests finish (a send mid-commit is answered), and at
     * `drainTimeoutMs` cuts whatever is left.
     */
    async close(options: DrainOptions = {}): Promise<void> {
      draining = true;
      answering.closeAfterAnswers();
      const timeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
      const { cut } = await drainHttpServer(httpServer, {
        goodbyes: [
          ...wssHandler.goodbyes(),
          ...sseHandler.goodbyes(serverRestarting),
          ...services.polling.goodbyes(serverRestarting),
        ],
        spreadMs: options.drainSpreadMs ?? DEFAULT_DRAIN_SPREAD_MS,
        timeoutMs,
        cutRest: () => wssHandler.terminateAll(),
      });
      if (cut)
        log.warn({ timeoutMs }, `Drain: connections still open after ${timeoutMs} ms were cut`);
      wssHandler.close();
      sseHandler.close();
      wss.close();
      services.polling.close();
      services.presence.close();
      streams.close?.();
      // Pending pushes go out and webhook retries stop before the store closes under them.
      await services.notify.close();
      await deps.bus.close();
      await deps.store.close();
    },
  };
}
export type ChatServer = ReturnType<typeof createChatServer>;
