import { ERROR_CODES, type ErrorCode, LIMITS } from '@confab/contracts';
import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import { AppError } from './errors.js';
import type { Notifications } from './notify/service.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { RequestRecord } from './observability/request-log.js';
import type { Bus } from './ports/bus.js';
import type { Store } from './ports/store.js';
import type { AbuseLimits, RateKind } from './services/abuse-limits.js';
import type { Accounts } from './services/accounts.js';
import { hashToken } from './services/crypto.js';
import type { Files } from './services/files.js';
import type { Identity } from './services/identity.js';
import type { Mentions } from './services/mentions.js';
import type { Messages } from './services/messages.js';
import type { Polling } from './services/poll.js';
import type { Presence } from './services/presence.js';
import type { Push } from './services/push.js';
import type { Reactions } from './services/reactions.js';
import type { Rooms } from './services/rooms.js';
import type { Search } from './services/search.js';
import type { Backpressure, StreamLimits } from './services/stream.js';
import type { Threads } from './services/threads.js';
import type { TypingService } from './services/typing.js';

export interface Services {
  store: Store;
  bus: Bus;
  accounts: Accounts;
  rooms: Rooms;
  messages: Messages;
  /** Reactions and pins on messages. */
  reactions: Reactions;
  /** Reads around messages: threads, message links, reply quotes. */
  threads: Threads;
  /** Full-text search over the caller's rooms. */
  search: Search;
  /** Uploads and downloads of files (served over plain HTTP, http/file-routes.ts). */
  files: Files;
  /** The mentions view: where the caller was named. */
  mentions: Mentions;
  push: Push;
  /** Apps' own users: tokens minted by API key, JWTs the apps sign. */
  identity: Identity;
  polling: Polling;
  presence: Presence;
  typing: TypingService;
  streamLimits: StreamLimits;
  /** Offline notifications (Web Push, webhooks); also the default Notifier. */
  notify: Notifications;
  /** Rate limits per user and per address (logins, registrations, every call). */
  limits: AbuseLimits;
  /** The server's logger. @default fallbackLogger (warnings and errors on stderr) */
  log?: Logger;
  /** The server's metrics (/metrics). */
  metrics?: Metrics;
}

export interface Context {
  services: Services;
  /** The session token presented with the request (bearer header, connectionParams or cookie). */
  token: string | undefined;
  /** Over HTTP: sets (or, with null, clears) the web app's session cookie. */
  setSessionCookie: ((token: string | null) => void) | undefined;
  /** Whether the request's page may use the session cookie (its own origin or an allowed one). */
  cookieOriginAllowed: boolean;
  /** The `X-Api-Key` header of a server-to-server call. */
  apiKey: string | undefined;
  /** What carries the request: a WebSocket, or HTTP (queries, mutations, SSE streams). */
  transport: 'ws' | 'http';
  /** The connection's unsent bytes, for cutting off a device that stopped reading. */
  backpressure: Backpressure | undefined;
  /** The client's address (see `trustProxy`): the key of per-address limits. */
  address: string;
  /** The request's log line, which learns the user once a procedure authenticates it. */
  requestLog?: RequestRecord;
}

/** What a procedure declares besides its input: which rate limit counts its calls. */
export interface ProcedureMeta {
  /**
   * The rule that counts each call (see abuse-limits.ts), or 'own' when the procedure's
   * service limits itself (message sends). @default 'writePerUser' for mutations,
   * 'queryPerUser' for queries, none for subscriptions (streams have their own caps)
   */
  rateLimit?: RateKind | 'own';
}

export interface ErrorData {
  appCode: ErrorCode;
  /** For VALIDATION: which fields failed and why. */
  issues?: { path: string; message: string }[];
  retryAfterMs?: number;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // Never send stack traces to clients.
    isDev: false,
    sse: {
      // A ping every 4 s keeps proxies from closing an idle stream and lets the client notice a
      // dead server: it reconnects after 10 s without a byte.
      ping: { enabled: true, intervalMs: 4_000 },
      client: { reconnectAfterInactivityMs: 10_000 },
    },
    errorFormatter({ shape, error }) {
      const data: ErrorData & typeof shape.data = { ...shape.data, appCode: ERROR_CODES.INTERNAL };
      let message = shape.message;
      if (error instanceof AppError) {
        data.appCode = error.appCode;
        if (error.retryAfterMs !== undefined) data.retryAfterMs = error.retryAfterMs;
        if (error.issues) data.issues = [...error.issues];
      } else if (error.cause instanceof ZodError) {
        data.appCode = ERROR_CODES.VALIDATION;
        data.issues = error.cause.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        }));
        message = data.issues
          .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
          .join('; ');
      } else if (error.code === 'INTERNAL_SERVER_ERROR') {
        message = 'Internal server error';
      } else if (error.code === 'PAYLOAD_TOO_LARGE') {
        data.appCode = ERROR_CODES.VALIDATION;
        message = `Request body is larger than ${LIMITS.maxPayloadBytes} bytes`;
      } else if (
        error.code === 'PARSE_ERROR' ||
        error.code === 'BAD_REQUEST' ||
        error.code === 'UNSUPPORTED_MEDIA_TYPE' ||
        error.code === 'METHOD_NOT_SUPPORTED'
      ) {
        data.appCode = ERROR_CODES.VALIDATION;
      } else if (error.code === 'NOT_FOUND') {
        data.appCode = ERROR_CODES.VALIDATION;
        message = 'No such procedure';
      }
      delete (data as { stack?: string }).stack;
      return { ...shape, message, data };
    },
  });

export const router = t.router;

/** Calls without a session: counted per client address. */
export const publicProcedure = t.procedure.use(async ({ ctx, meta, next }) => {
  if (meta?.rateLimit !== 'own')
    await ctx.services.limits.take(meta?.rateLimit ?? 'publicPerAddress', ctx.address);
  return next();
});

/**
 * Server-to-server calls: an API key instead of a user session. Wrong keys back off per
 * address (guessing), right ones are counted per key.
 */
export const apiKeyProcedure = t.procedure.use(async ({ ctx, next }) => {
  const { limits } = ctx.services;
  await limits.check('apiKeyFailuresPerAddress', ctx.address);
  try {
    await ctx.services.push.requireApiKey(ctx.apiKey);
  } catch (error) {
    await limits.fail('apiKeyFailuresPerAddress', ctx.address);
    throw error;
  }
  await limits.take('apiCallsPerKey', hashToken(ctx.apiKey ?? ''));
  return next();
});

/**
 * Resolves the token to a live session on every call, so a revoked session stops at once (the
 * session cache drops a session as soon as its revoke is heard on the bus). Then counts the
 * call against the user's rate limit: every mutation and query is limited unless it says how.
 */
export const authedProcedure = t.procedure.use(async ({ ctx, meta, type, next }) => {
  const auth = await ctx.services.accounts.authenticate(ctx.token);
  const kind =
    meta?.rateLimit ??
    (type === 'mutation' ? 'writePerUser' : type === 'query' ? 'queryPerUser' : 'own');
  if (ctx.requestLog) ctx.requestLog.userId = auth.user.id;
  if (kind !== 'own') await ctx.services.limits.take(kind, auth.user.id);
  // tRPC merges this into the context itself: spreading ctx here copied it a second time.
  return next({ ctx: { auth } });
});
