import { describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature } from './verify.js';

const secret = 'unit-secret-0123456789';
const body = JSON.stringify({ deliveryId: 'd-1', type: 'message.created' });
const now = 1_800_000_000_000;
const timestamp = now / 1000;
const signature = `v1=${signWebhookPayload(secret, timestamp, body)}`;

describe('verifyWebhookSignature', () => {
  it('accepts the body as bytes, and any one of several v1 signatures (secret rotation)', async () => {
    const old = `v1=${signWebhookPayload('previous-secret-0123456789', timestamp, body)}`;
    for (const header of [signature, `${old}, ${signature}`, `${signature},v0=abc`]) {
      expect(
        await verifyWebhookSignature({
          secret,
          timestamp,
          signature: header,
          rawBody: new TextEncoder().encode(body),
          now,
        }),
      ).toEqual({ ok: true, deliveryId: 'd-1', payload: JSON.parse(body) });
    }
  });

  it('refuses a signature of another length or scheme, and a signed body without a deliveryId', async () => {
    const base = { secret, timestamp, rawBody: body, now };
    for (const header of [signature.slice(0, -2), `v0=${signature.slice(3)}`, 'v1=', '']) {
      expect(await verifyWebhookSignature({ ...base, signature: header })).toMatchObject({
        ok: false,
      });
    }
    const bare = JSON.stringify({ type: 'message.created' });
    expect(
      await verifyWebhookSignature({
        ...base,
        rawBody: bare,
        signature: `v1=${signWebhookPayload(secret, timestamp, bare)}`,
      }),
    ).toEqual({ ok: false, reason: 'malformed' });
  });

  it('an async seen() is awaited', async () => {
    const seen = async (id: string) => id === 'd-1';
    expect(
      await verifyWebhookSignature({ secret, timestamp, signature, rawBody: body, now, seen }),
    ).toEqual({ ok: false, reason: 'replayed' });
  });
});
