import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../verify.js';

/** What the receiver does with attempt `index` (0 for the first it sees) of a delivery. */
export type ReceiverAnswer = number | 'hold';

/** Everything one delivery id brought. */
export interface DeliveryLog {
  /** The `Confab-Attempt` header of each request, in arrival order. */
  attempts: number[];
  /** Requests answered with a 2xx: what a receiver that dedupes on the id acts on. */
  acknowledged: number;
  /** Whether every request's signature verified. */
  verified: boolean;
  /** The parsed body of the first request. */
  body: unknown;
}

/**
 * A webhook endpoint on loopback for the cluster tests: it counts requests per delivery id,
 * answers each as `plan(deliveryId, index)` says (a status, or 'hold': no answer until the
 * sender goes away), and lets the test await a condition instead of sleeping.
 */
export async function startCountingReceiver(secret: string) {
  const deliveries = new Map<string, DeliveryLog>();
  let plan: (deliveryId: string, index: number) => ReceiverAnswer = () => 200;
  const held = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const check of [...waiters]) check();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const deliveryId = String(req.headers['confab-delivery-id'] ?? '');
      void verifyWebhookSignature({
        secret,
        timestamp: String(req.headers['confab-timestamp'] ?? ''),
        signature: String(req.headers['confab-signature'] ?? ''),
        rawBody,
      }).then((verified) => {
        let log = deliveries.get(deliveryId);
        if (!log) {
          log = { attempts: [], acknowledged: 0, verified: true, body: JSON.parse(rawBody) };
          deliveries.set(deliveryId, log);
        }
        const answer = plan(deliveryId, log.attempts.length);
        log.attempts.push(Number(req.headers['confab-attempt']));
        log.verified &&= verified.ok;
        if (answer === 'hold') {
          held.add(res);
          res.on('close', () => {
            held.delete(res);
            changed();
          });
        } else {
          if (answer >= 200 && answer < 300) log.acknowledged += 1;
          res.writeHead(answer).end();
        }
        changed();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    deliveries,
    /** Requests held unanswered right now. */
    held: () => held.size,
    setPlan(next: typeof plan): void {
      plan = next;
    },
    /** Resolves once `condition` holds, checked after every request and every dropped one. */
    until(condition: () => boolean): Promise<void> {
      return new Promise((resolve) => {
        const check = () => {
          if (!condition()) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
