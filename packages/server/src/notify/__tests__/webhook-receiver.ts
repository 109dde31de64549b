import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type VerifyWebhookResult, verifyWebhookSignature } from '../verify.js';

export interface ReceivedDelivery {
  /** The body exactly as it came. */
  rawBody: string;
  timestamp: string;
  signature: string;
  deliveryIdHeader: string;
  attempt: number;
  /** What the verification helper said when the receiver checked it. */
  verified: VerifyWebhookResult;
  /** What the receiver answered. */
  status: number;
}

/**
 * Another app's webhook endpoint on loopback: it checks every delivery with
 * verifyWebhookSignature (as the docs tell apps to) and answers with the next status of
 * `statuses` (then 200): [500, 500] fails twice, then accepts.
 */
export async function startWebhookReceiver(secret: string, statuses: number[] = []) {
  const received: ReceivedDelivery[] = [];
  const script = [...statuses];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['confab-timestamp'] ?? '');
      const signature = String(req.headers['confab-signature'] ?? '');
      const status = script.shift() ?? 200;
      void verifyWebhookSignature({ secret, timestamp, signature, rawBody }).then((verified) => {
        received.push({
          rawBody,
          timestamp,
          signature,
          deliveryIdHeader: String(req.headers['confab-delivery-id'] ?? ''),
          attempt: Number(req.headers['confab-attempt']),
          verified,
          status,
        });
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/confab`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
