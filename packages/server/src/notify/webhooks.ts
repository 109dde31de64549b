import type { WebhookDelivery } from '@confab/contracts';
import type { NewWebhookDelivery, OutboxItem, WebhookRecord } from '../ports/store.js';
import type { ResolvedNotifyConfig } from './config.js';
import type { Outbound } from './outbound.js';
import type { OutboxOutcome } from './outbox.js';
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
 * Signed webhook POSTs, one attempt at a time: each delivery is a row of the outbox (it outlives
 * this process), and an attempt says what to record. A failure (a network error, a timeout or
 * any status but 2xx) is retried with backoff up to `webhookMaxAttempts`. An attempt while the
 * receiver's destination is paused fails without a request, and its retry waits at least until
 * the pause ends. A URL that is or resolves to a reserved address fails at once, without
 * retries. An attempt cut short by shutdown is handed back, uncounted, for the next process.
 */
export function createWebhookDispatcher(deps: {
  config: ResolvedNotifyConfig;
  telemetry: Telemetry;
  outbound: Pick<Outbound, 'post'>;
  now: () => number;
}) {
  const { config, telemetry } = deps;

  function post(webhook: WebhookRecord, deliveryId: string, body: string, number: number) {
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

  return {
    /** The outbox row of one delivery of `payload` to `webhook`, due at once. */
    delivery(webhook: WebhookRecord, payload: WebhookDelivery): NewWebhookDelivery {
      const at = deps.now();
      return {
        id: payload.deliveryId,
        webhookId: webhook.id,
        payload: JSON.stringify(payload),
        createdAt: at,
        dueAt: at,
      };
    },

    /**
     * The next attempt of a claimed delivery (`webhook` undefined: deleted since it was
     * queued, so it is dropped).
     */
    async attempt(item: OutboxItem, webhook: WebhookRecord | undefined): Promise<OutboxOutcome> {
      const deliveryId = item.id;
      if (!webhook) {
        telemetry.count('webhooks', 'dropped');
        telemetry.log({
          event: 'webhook.dropped',
          webhookId: item.webhookId ?? undefined,
          deliveryId,
          reason: 'webhook-deleted',
        });
        return { outcome: 'finished' };
      }
      const where = { webhookId: webhook.id, origin: new URL(webhook.url).origin, deliveryId };
      const number = item.attempts + 1;
      const result = await post(webhook, deliveryId, item.payload, number);
      const line = {
        event: 'webhook.attempt' as const,
        ...where,
        attempt: number,
        maxAttempts: config.webhookMaxAttempts,
        ...result,
      };
      if ('failure' in result && result.failure === 'aborted') {
        // Stopping: the next process (or another node) makes this attempt again.
        telemetry.log({ ...line, outcome: 'interrupted' });
        return { outcome: 'release', dueAt: deps.now() };
      }
      telemetry.count('webhooks', 'attempts');
      if ('status' in result && result.status >= 200 && result.status < 300) {
        telemetry.count('webhooks', 'delivered');
        telemetry.log({ ...line, outcome: 'delivered' });
        return { outcome: 'finished' };
      }
      // A refused address stays refused: retrying would only spend lookups.
      const refused = 'failure' in result && result.failure === 'refused';
      if (number >= config.webhookMaxAttempts || refused) {
        telemetry.count('webhooks', 'failed');
        telemetry.log({ ...line, outcome: 'failed' });
        return { outcome: 'finished' };
      }
      const pausedForMs = 'failure' in result ? (result.pausedForMs ?? 0) : 0;
      const retryInMs = Math.max(retryDelayMs(number, config), pausedForMs);
      telemetry.count('webhooks', 'retried');
      telemetry.log({ ...line, outcome: 'retrying', retryInMs });
      return { outcome: 'retry', dueAt: deps.now() + retryInMs };
    },
  };
}
export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
