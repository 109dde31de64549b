import { ECDH } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

// Addresses no public push service has: loopback, private, link-local (cloud metadata), CGNAT.
const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  internal.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  internal.addSubnet(net, prefix, 'ipv6');
}

function isInternalHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  const address = hostname.replace(/^\[|\]$/g, '');
  const family = isIP(address);
  if (family === 0) return false;
  return internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why a push endpoint is refused, or undefined when it is fine. The server POSTs to whatever
 * endpoint a user stores, so endpoints must be https and not name an internal address; a test
 * push service on loopback is let in by `allowInsecure`. (A public name that resolves to an
 * internal address is not caught here; real push services are public hosts.)
 */
export function pushEndpointProblem(endpoint: string, allowInsecure: boolean): string | undefined {
  const url = new URL(endpoint);
  if (url.username || url.password) return 'endpoint must not carry credentials';
  if (allowInsecure) {
    if (url.protocol === 'http:' && !LOOPBACK_NAMES.has(url.hostname))
      return 'endpoint must be an https URL (http only on 127.0.0.1 or localhost)';
    return undefined;
  }
  if (url.protocol !== 'https:') return 'endpoint must be an https URL';
  if (isInternalHost(url.hostname)) return 'endpoint must be a public push service';
  return undefined;
}

/** Whether a base64url p256dh is a point on P-256 (its length alone does not say so). */
export function isP256PublicKey(p256dh: string): boolean {
  try {
    // Decoding the point checks that it lies on the curve.
    ECDH.convertKey(Buffer.from(p256dh, 'base64url'), 'prime256v1');
    return true;
  } catch {
    return false;
  }
}
