import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a webhook delivery. */
export const WEBHOOK_HEADERS = {
  /** Unix time in seconds when this attempt was signed. */
  timestamp: 'Confab-Timestamp',
  /** `v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`; several, comma-separated, may come. */
  signature: 'Confab-Signature',
  /** The body's deliveryId, for logs; the signed copy is the one in the body. */
  deliveryId: 'Confab-Delivery-Id',
  /** 1 for the first try, then 2, 3... */
  attempt: 'Confab-Attempt',
} as const;

/** The hex HMAC-SHA256 of `<timestamp>.<raw body>` under the webhook's secret. */
export function signWebhookPayload(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

export interface VerifyWebhookOptions {
  /** The secret given to notifications.registerWebhook. */
  secret: string;
  /** The `Confab-Timestamp` header. */
  timestamp: string | number | null | undefined;
  /** The `Confab-Signature` header. */
  signature: string | null | undefined;
  /** The request body exactly as received (bytes or UTF-8 text), before any JSON parsing. */
  rawBody: string | Uint8Array;
  /** How far the timestamp may be from `now`, either way. @default 300 */
  toleranceSec?: number;
  /** The current time in epoch milliseconds. @default Date.now() */
  now?: number;
  /**
   * Replay protection: called with the body's deliveryId once the signature and time check out;
   * answer true when that id was accepted before (and remember it otherwise). Retries of one
   * delivery carry the same id, so a receiver that got it once drops the rest.
   */
  seen?: (deliveryId: string) => boolean | Promise<boolean>;
}

export type VerifyWebhookResult =
  | { ok: true; deliveryId: string; payload: unknown }
  | {
      ok: false;
      /**
       * `malformed`: a header or the body is missing or unreadable; `signature`: no v1 signature
       * matches (tampered body, wrong secret); `stale` / `future`: the timestamp is outside the
       * tolerance; `replayed`: `seen` knew the deliveryId.
       */
      reason: 'malformed' | 'signature' | 'stale' | 'future' | 'replayed';
    };

/**
 * Checks a webhook delivery from Confab: the HMAC in constant time, the timestamp against the
 * tolerance (so a captured request cannot be replayed later), and the deliveryId against `seen`
 * (so it cannot be replayed within the tolerance either). Only then is the body trusted.
 */
export async function verifyWebhookSignature(
  options: VerifyWebhookOptions,
): Promise<VerifyWebhookResult> {
  const toleranceSec = options.toleranceSec ?? 300;
  const nowSec = Math.floor((options.now ?? Date.now()) / 1000);
  const stamp = String(options.timestamp ?? '');
  if (!/^\d{1,12}$/.test(stamp) || !options.signature) return { ok: false, reason: 'malformed' };
  const timestamp = Number(stamp);
  if (nowSec - timestamp > toleranceSec) return { ok: false, reason: 'stale' };
  if (timestamp - nowSec > toleranceSec) return { ok: false, reason: 'future' };

  const raw =
    typeof options.rawBody === 'string'
      ? options.rawBody
      : Buffer.from(options.rawBody).toString('utf8');
  const expected = Buffer.from(signWebhookPayload(options.secret, timestamp, raw), 'utf8');
  const candidates = options.signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => Buffer.from(part.slice('v1='.length), 'utf8'));
  // Every candidate is compared (no early exit), each in constant time; lengths are public.
  let matched = false;
  for (const candidate of candidates) {
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
      matched = true;
    }
  }
  if (!matched) return { ok: false, reason: 'signature' };

  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const deliveryId = (payload as { deliveryId?: unknown } | null)?.deliveryId;
  if (typeof deliveryId !== 'string' || deliveryId === '')
    return { ok: false, reason: 'malformed' };
  if (options.seen && (await options.seen(deliveryId))) return { ok: false, reason: 'replayed' };
  return { ok: true, deliveryId, payload };
}
