import type { IncomingMessage } from 'node:http';

/**
 * Which pages may use the session cookie: the server's own origin plus an allowlist.
 *
 * The cookie is SameSite=Lax, so browsers also send it from every *same-site* origin (another
 * port, a sibling subdomain): a page there could open a WebSocket or call the API as the user
 * (cross-site WebSocket hijacking). So a request from any other origin is served as if it
 * carried no cookie: it must bring a bearer token (which a page cannot take from the victim).
 * Requests without `Origin` (native apps, the Node SDK, same-origin GETs) are judged by
 * `Sec-Fetch-Site` when a browser sent it.
 */
export function createOriginCheck(opts: { allowedOrigins: readonly string[]; secure: boolean }) {
  const allowed = new Set(opts.allowedOrigins.map(normalize).filter((o) => o !== undefined));
  const ownScheme = opts.secure ? 'https:' : 'http:';

  return {
    /** Whether the request's page may act with the session cookie. */
    cookieAllowed(req: IncomingMessage): boolean {
      const origin = req.headers.origin;
      if (origin === undefined) {
        const site = req.headers['sec-fetch-site'];
        return site === undefined || site === 'same-origin' || site === 'none';
      }
      const normalized = normalize(origin);
      if (normalized === undefined) return false;
      if (allowed.has(normalized)) return true;
      const url = new URL(normalized);
      return url.protocol === ownScheme && url.host === req.headers.host;
    },
  };
}
export type OriginCheck = ReturnType<typeof createOriginCheck>;

/** `scheme://host[:port]` of an origin, or undefined for "null" and anything unparsable. */
function normalize(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}
