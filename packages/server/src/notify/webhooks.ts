import type { WebhookDelivery } from '@confab/contracts';
import type { WebhookRecord } from '../ports/store.js';
import type { ResolvedNotifyConfig } from './config.js';
import { describeError, type Limiter, type Tasks, wait } from './tasks.js';
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
 * Delivers signed webhook POSTs, retrying failures (a network error or any status but 2xx) with
 * backoff up to `webhookMaxAttempts`. Deliveries live in memory: the ones still retrying when
 * the server stops are dropped, and counted and logged as such.
 */
export function createWebhookDispatcher(deps: {
  config: ResolvedNotifyConfig;
  telemetry: Telemetry;
  tasks: Tasks;
  limit: Limiter;
  /** Aborted when the server stops: retry waits end and no new attempt starts. */
  stopSignal: AbortSignal;
  /** Aborted when the server gives up on in-flight requests at shutdown. */
  requestSignal: AbortSignal;
  now: () => number;
}) {
  const { config, telemetry } = deps;
  let pending = 0;

  async function attempt(
    webhook: WebhookRecord,
    deliveryId: string,
    body: string,
    number: number,
  ): Promise<{ status?: number; error?: string }> {
    // Each attempt is signed afresh, so a late retry is not refused as stale.
    const timestamp = Math.floor(deps.now() / 1000);
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Confab-Webhooks/1',
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: `v1=${signWebhookPayload(webhook.secret, timestamp, body)}`,
          [WEBHOOK_HEADERS.deliveryId]: deliveryId,
          [WEBHOOK_HEADERS.attempt]: String(number),
        },
        body,
        // A redirect is a failure: following it would send the signed body somewhere unvetted.
        redirect: 'manual',
        signal: AbortSignal.any([deps.requestSignal, AbortSignal.timeout(config.requestTimeoutMs)]),
      });
      await response.body?.cancel();
      return { status: response.status };
    } catch (error) {
      return { error: describeError(error) };
    }
  }

  async function deliver(webhook: WebhookRecord, deliveryId: string, body: string) {
    const where = { webhookId: webhook.id, origin: new URL(webhook.url).origin, deliveryId };
    for (let number = 1; ; number += 1) {
      const started = performance.now();
      const result = await deps.limit(() => attempt(webhook, deliveryId, body, number));
      const durationMs = Math.round(performance.now() - started);
      telemetry.count('webhooks', 'attempts');
      const line = {
        event: 'webhook.attempt' as const,
        ...where,
        attempt: number,
        maxAttempts: config.webhookMaxAttempts,
        ...result,
        durationMs,
      };
      if (result.status !== undefined && result.status >= 200 && result.status < 300) {
        telemetry.count('webhooks', 'delivered');
        telemetry.log({ ...line, outcome: 'delivered' });
        return;
      }
      if (number >= config.webhookMaxAttempts) {
        telemetry.count('webhooks', 'failed');
        telemetry.log({ ...line, outcome: 'failed' });
        return;
      }
      const retryInMs = retryDelayMs(number, config);
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
