import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the SDK sends cross-origin: bearer tokens, JSON bodies, SSE's resume header. */
const ALLOWED_HEADERS = 'authorization, content-type, last-event-id';
/** Queries and SSE streams are GET, mutations and batches POST: nothing else reaches the API. */
const ALLOWED_METHODS = 'GET, POST';
/** Browsers may reuse a preflight's answer this long (seconds). */
const PREFLIGHT_MAX_AGE_S = 600;

/** `scheme://host[:port]` of a configured origin; throws on anything else (a typo in env). */
function originOf(value: string): string {
  const url = new URL(value);
  if (url.origin === 'null' || url.pathname !== '/' || url.search || url.hash)
    throw new Error(`CORS origin ${value} must be scheme://host[:port] only`);
  return url.origin;
}

/**
 * CORS for the API, off unless origins are listed: pages of those origins may call it with a
 * bearer token (the SDK with `token`), never with the session cookie. So no
 * Access-Control-Allow-Credentials is ever sent: a browser then refuses to hand a page the
 * answer to a request that carried cookies, and the cookie origin check (origin.ts) serves such
 * a request as if it had none anyway. WebSocket is not subject to CORS (origin.ts covers it).
 */
export function createCors(origins: readonly string[]) {
  const allowed = new Set(origins.map(originOf));

  return {
    /**
     * Adds the CORS headers an allowed origin's request needs, and answers its preflight.
     * Returns true when the request is answered (a preflight); the caller serves the rest.
     */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      if (allowed.size === 0) return false;
      // Answers differ by Origin: caches must keep them apart, allowed or not.
      res.setHeader('Vary', 'Origin');
      const origin = req.headers.origin;
      if (origin === undefined || !allowed.has(origin)) return false;
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (req.method !== 'OPTIONS') return false;
      res
        .writeHead(204, {
          'Access-Control-Allow-Methods': ALLOWED_METHODS,
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_S),
          'Content-Length': '0',
        })
        .end();
      return true;
    },
  };
}
