import type { IncomingMessage } from 'node:http';
import { addressKey } from './address-key.js';

/**
 * The client address per-address limits count: the peer's, or with `trustProxy` the last hop
 * in `X-Forwarded-For` (what the proxy in front saw; the earlier hops are the client's to
 * forge), as its key (address-key.ts: an IPv6 address by its first `ipv6PrefixBits`).
 */
export function clientAddress(
  req: IncomingMessage,
  trustProxy: boolean,
  ipv6PrefixBits: number,
): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header[header.length - 1] : header;
    const last = value?.split(',').pop()?.trim();
    if (last) return addressKey(last.slice(0, 64), ipv6PrefixBits);
  }
  return addressKey(req.socket.remoteAddress ?? 'unknown', ipv6PrefixBits);
}
