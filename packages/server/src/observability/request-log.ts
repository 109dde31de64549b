import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.js';

/** What one request's (or stream's) log line learns while it runs. */
export interface RequestRecord {
  id: string;
  /** Set once a procedure (or a stream) authenticated the caller. */
  userId?: string;
}

/**
 * A record with every field it will ever have: `userId` is set later, and a property added to an
 * object after it was made costs it a separate property store (a WebSocket's record lives as long
 * as the socket).
 */
export const newRequestRecord = (id: string): RequestRecord => ({ id, userId: undefined });

/** An incoming id a proxy may hand on: short, and nothing a log viewer could trip over. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's id: the proxy's `X-Request-Id` when the proxy is trusted (so one id follows a
 * request through nginx and here), else a new one. Never a client's own unchecked header.
 */
export function requestIdOf(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const given = req.headers['x-request-id'];
    if (typeof given === 'string' && REQUEST_ID.test(given)) return given;
  }
  // Node builds randomUUID's string from 16 hex pairs and 4 dashes: a tree of 14 joined strings
  // (~450 bytes of heap) where one flat string of 36 characters takes ~56. A WebSocket keeps its
  // id as long as it is open, thousands at once: copied here into one flat string.
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

/** Only the path: the query string carries procedure inputs (and SSE cursors, tokens). */
function routeOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/**
 * Starts the one line of an HTTP request (an SSE stream included): written when the response
 * closes, with the route, status, duration and user; never a header, an input or a body. The
 * response carries the id (`X-Request-Id`) so a user's report can be found in the logs.
 */
export function startRequestLog(
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
  options: { trustProxy: boolean; quiet?: boolean },
): RequestRecord {
  const record = newRequestRecord(requestIdOf(req, options.trustProxy));
  res.setHeader('X-Request-Id', record.id);
  const level = options.quiet ? 'debug' : 'info';
  if (!log.isLevelEnabled(level)) return record;
  const startedAt = performance.now();
  res.once('close', () => {
    log[level](
      {
        reqId: record.id,
        method: req.method,
        route: routeOf(req.url),
        status: res.statusCode,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
        ...(record.userId ? { userId: record.userId } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      },
      'request',
    );
  });
  return record;
}
