import type { WebhookDelivery } from '@confab/contracts';
import type { WebhookRecord } from '../ports/store.js';
import type { ResolvedNotifyConfig } from './config.js';
import type { Outbound } from './outbound.js';
import { type Tasks, wait } from './tasks.js';
import type { Telemetry } from './telemetry.js';
import { signWebhookPayload, WEBHOOK_HEADERS } from './verify.js';

/**
 * The wait before retry number `retry` (1 for the first): exponential, capped, with "equal
 * jitter" (half fixed, half random) so that receivers coming back are not hit by every
 * delivery at the same instant. See the AWS Architecture Blog, "Exponential Backoff And Jitter".
 */
export function retryDelayMs(
  retry: number,
  config: Pick<ResolvedNotifyConfig, 'webhookRetryBaseMs' | 'webhookRetryMaxMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(config.webhookRetryMaxMs, config.webhookRetryBaseMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Delivers signed webhook POSTs, retrying failures (a network error, a timeout or any status but
 * 2xx) with backoff up to `webhookMaxAttempts`. An attempt while the receiver's destination is
 * paused fails without a request, and its retry waits at least until the pause ends. A URL
 * that is or resolves to a reserved address fails at once, without retries. Deliveries live in
 * memory: the ones still retrying when the server stops are dropped, and counted and logged.
 */
export function createWebhookDispatcher(deps: {
  config: ResolvedNotifyConfig;
  telemetry: Telemetry;
  tasks: Tasks;
  outbound: Pick<Outbound, 'post'>;
  /** Aborted when the server stops: retry waits end and no new attempt starts. */
  stopSignal: AbortSignal;
  now: () => number;
}) {
  const { config, telemetry } = deps;
  let pending = 0;

  function attempt(webhook: WebhookRecord, deliveryId: string, body: string, number: number) {
    // Each attempt is signed afresh, so a late retry is not refused as stale.
    const timestamp = Math.floor(deps.now() / 1000);
    // A redirect is a failure (the outbound requests never follow one): following it would send
    // the signed body somewhere unvetted.
    return deps.outbound.post(webhook.url, {
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Confab-Webhooks/1',
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: `v1=${signWebhookPayload(webhook.secret, timestamp, body)}`,
        [WEBHOOK_HEADERS.deliveryId]: deliveryId,
        [WEBHOOK_HEADERS.attempt]: String(number),
      },
      body,
    });
  }

  async function deliver(webhook: WebhookRecord, deliveryId: string, body: string) {
    const where = { webhookId: webhook.id, origin: new URL(webhook.url).origin, deliveryId };
    for (let number = 1; ; number += 1) {
      const result = await attempt(webhook, deliveryId, body, number);
      telemetry.count('webhooks', 'attempts');
      const line = {
        event: 'webhook.attempt' as const,
        ...where,
        attempt: number,
        maxAttempts: config.webhookMaxAttempts,
        ...result,
      };
      if ('status' in result && result.status >= 200 && result.status < 300) {
        telemetry.count('webhooks', 'delivered');
        telemetry.log({ ...line, outcome: 'delivered' });
        return;
      }
      // A refused address stays refused: retrying would only spend lookups.
      const refused = 'failure' in result && result.failure === 'refused';
      if (number >= config.webhookMaxAttempts || refused) {
        telemetry.count('webhooks', 'failed');
        telemetry.log({ ...line, outcome: 'failed' });
        return;
      }
      const pausedForMs = 'failure' in result ? (result.pausedForMs ?? 0) : 0;
      const retryInMs = Math.max(retryDelayMs(number, config), pausedForMs);
      telemetry.count('webhooks', 'retried');
      telemetry.log({ ...line, outcome: 'retrying', retryInMs });
      await wait(retryInMs, deps.stopSignal);
      if (deps.stopSignal.aborted) {
        telemetry.count('webhooks', 'dropped');
        telemetry.log({ event: 'webhook.dropped', ...where, reason: 'shutdown' });
        return;
      }
    }
  }

  return {
    /** Queues one delivery of `payload` to `webhook`; returns at once. */
    send(webhook: WebhookRecord, payload: WebhookDelivery): void {
      if (pending >= config.webhookMaxPending || deps.stopSignal.aborted) {
        telemetry.count('webhooks', 'dropped');
        telemetry.log({
          event: 'webhook.dropped',
          webhookId: webhook.id,
          deliveryId: payload.deliveryId,
          reason: deps.stopSignal.aborted ? 'shutdown' : 'queue-full',
        });
        return;
      }
      pending += 1;
      const body = JSON.stringify(payload);
      deps.tasks.run(async () => {
        try {
          await deliver(webhook, payload.deliveryId, body);
        } finally {
          pending -= 1;
        }
      });
    },
  };
}
export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
