import { ECDH } from 'node:crypto';
import { isIP } from 'node:net';
import { isReservedAddress } from './addresses.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Who may be named as a destination: see NotifyConfig. */
export interface DestinationPolicy {
  allowInsecurePushEndpoints: boolean;
  allowPrivateAddresses: boolean;
}

/**
 * Whether a URL's host names an address no outbound request may reach: a localhost name
 * (RFC 6761) or a reserved IP literal. Other names are checked when they are resolved, at
 * delivery (see outbound.ts): what a name resolves to can change after it was stored.
 */
export function isInternalHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const address = name.replace(/^\[|\]$/g, '');
  return isIP(address) !== 0 && isReservedAddress(address);
}

/**
 * Why a push endpoint is refused, or undefined when it is fine. The server POSTs to whatever
 * endpoint a user stores, so endpoints must be https and not name an internal address; a test
 * push service on loopback is let in by `allowInsecurePushEndpoints` (http) and
 * `allowPrivateAddresses`.
 */
export function pushEndpointProblem(
  endpoint: string,
  policy: DestinationPolicy,
): string | undefined {
  const url = new URL(endpoint);
  if (url.username || url.password) return 'endpoint must not carry credentials';
  if (url.protocol !== 'https:') {
    if (!policy.allowInsecurePushEndpoints) return 'endpoint must be an https URL';
    if (url.protocol !== 'http:' || !LOOPBACK_NAMES.has(url.hostname))
      return 'endpoint must be an https URL (http only on 127.0.0.1 or localhost)';
  }
  if (!policy.allowPrivateAddresses && isInternalHost(url.hostname))
    return 'endpoint must be a public push service';
  return undefined;
}

/**
 * Why a webhook URL is refused, or undefined when it is fine: only an API key holder registers
 * one, but a leaked key must not turn the server into a proxy into the operator's network.
 */
export function webhookUrlProblem(
  webhookUrl: string,
  policy: Pick<DestinationPolicy, 'allowPrivateAddresses'>,
): string | undefined {
  const url = new URL(webhookUrl);
  // fetch refuses such a URL anyway: it would fail at every delivery.
  if (url.username || url.password) return 'url must not carry credentials';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url must be an http(s) URL';
  if (!policy.allowPrivateAddresses && isInternalHost(url.hostname))
    return 'url must name a public host, not a loopback, private or reserved address';
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
