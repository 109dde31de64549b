import { ERROR_CODES, type ErrorCode, LIMITS } from '@confab/contracts';
import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import { AppError } from './errors.js';
import type { Notifications } from './notify/service.js';
import type { Bus } from './ports/bus.js';
import type { Store } from './ports/store.js';
import type { Accounts } from './services/accounts.js';
import type { Messages } from './services/messages.js';
import type { Polling } from './services/poll.js';
import type { Presence } from './services/presence.js';
import type { Push } from './services/push.js';
import type { Rooms } from './services/rooms.js';
import type { Backpressure, StreamLimits } from './services/stream.js';
import type { TypingService } from './services/typing.js';

export interface Services {
  store: Store;
  bus: Bus;
  accounts: Accounts;
  rooms: Rooms;
  messages: Messages;
  push: Push;
  polling: Polling;
  presence: Presence;
  typing: TypingService;
  streamLimits: StreamLimits;
  /** Offline notifications (Web Push, webhooks); also the default Notifier. */
  notify: Notifications;
}

export interface Context {
  services: Services;
  /** The session token presented with the request (bearer header, connectionParams or cookie). */
  token: string | undefined;
  /** Over HTTP: sets (or, with null, clears) the web app's session cookie. */
  setSessionCookie: ((token: string | null) => void) | undefined;
  /** The `X-Api-Key` header of a server-to-server call. */
  apiKey: string | undefined;
  /** What carries the request: a WebSocket, or HTTP (queries, mutations, SSE streams). */
  transport: 'ws' | 'http';
  /** The connection's unsent bytes, for cutting off a device that stopped reading. */
  backpressure: Backpressure | undefined;
}

export interface ErrorData {
  appCode: ErrorCode;
  /** For VALIDATION: which fields failed and why. */
  issues?: { path: string; message: string }[];
  retryAfterMs?: number;
}

const t = initTRPC.context<Context>().create({
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
    } else if (error.cause instanceof ZodError) {
      data.appCode = ERROR_CODES.VALIDATION;
      data.issues = error.cause.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      }));
      message = data.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    } else if (error.code === 'INTERNAL_SERVER_ERROR') {
      message = 'Internal server error';
    } else if (error.code === 'PAYLOAD_TOO_LARGE') {
      data.appCode = ERROR_CODES.VALIDATION;
      message = `Request body is larger than ${LIMITS.maxPayloadBytes} bytes`;
    } else if (error.code === 'PARSE_ERROR' || error.code === 'BAD_REQUEST') {
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
export const publicProcedure = t.procedure;

/** Server-to-server calls: an API key instead of a user session. */
export const apiKeyProcedure = t.procedure.use(({ ctx, next }) => {
  ctx.services.push.requireApiKey(ctx.apiKey);
  return next();
});

/**
 * Resolves the token to a live session on every call, so a revoked session stops at once (the
 * session cache drops a session as soon as its revoke is heard on the bus).
 */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  const auth = await ctx.services.accounts.authenticate(ctx.token);
  return next({ ctx: { ...ctx, auth } });
});
