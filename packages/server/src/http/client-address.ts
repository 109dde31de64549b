import type { IncomingMessage } from 'node:http';

/**
 * The address per-address limits count: the peer's, or with `trustProxy` the last hop in
 * `X-Forwarded-For` (what the proxy in front saw; the earlier hops are the client's to forge).
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header[header.length - 1] : header;
    const last = value?.split(',').pop()?.trim();
    if (last) return last.slice(0, 64);
  }
  return req.socket.remoteAddress ?? 'unknown';
}
