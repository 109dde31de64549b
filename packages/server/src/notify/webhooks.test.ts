import type { WebhookDelivery } from '@confab/contracts';
import { afterEach, expect, it } from 'vitest';
import type { OutboxItem } from '../ports/store.js';
import { startWebhookReceiver } from './__tests__/webhook-receiver.js';
import { type NotifyConfig, type NotifyLogEntry, resolveNotifyConfig } from './config.js';
import { createOutbound } from './outbound.js';
import { createTelemetry } from './telemetry.js';
import { createWebhookDispatcher } from './webhooks.js';

const SECRET = 'whsec-test-0123456789abcdef';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const delivery: WebhookDelivery = {
  deliveryId: 'd1',
  type: 'message.created',
  createdAt: 1,
  room: { id: 'r1', name: 'support', kind: 'private' },
  message: {
    id: 'm1',
    seq: 1,
    body: 'hi',
    createdAt: 1,
    author: { userId: 'u1', username: 'alice', displayName: 'Alice' },
  },
  recipients: [],
};

/** A claimed outbox row of `delivery` after `attempts` recorded attempts. */
const claimed = (attempts: number): OutboxItem => ({
  id: delivery.deliveryId,
  kind: 'webhook',
  webhookId: 'w1',
  userId: null,
  roomId: null,
  payload: JSON.stringify(delivery),
  seq: 0,
  messages: 0,
  attempts,
  claims: attempts + 1,
  dueAt: 0,
  claimedBy: 'node',
  createdAt: 1,
});

async function setup(overrides: NotifyConfig, statuses: number[]) {
  const receiver = await startWebhookReceiver(SECRET, statuses);
  cleanup.push(() => receiver.close());
  const logs: NotifyLogEntry[] = [];
  const telemetry = createTelemetry((entry) => logs.push(entry));
  const config = resolveNotifyConfig({ allowPrivateAddresses: true, ...overrides });
  // The clock moves only when the test says: pauses and due times are exact.
  let clock = 1_700_000_000_000;
  const now = () => clock;
  const shutdown = new AbortController();
  const outbound = createOutbound({ config, telemetry, requestSignal: shutdown.signal, now });
  cleanup.push(() => outbound.close());
  const webhooks = createWebhookDispatcher({ config, telemetry, outbound, now });
  const hook = { id: 'w1', url: receiver.url, secret: SECRET, createdAt: 1 };
  return {
    receiver,
    logs,
    telemetry,
    webhooks,
    hook,
    shutdown,
    now,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

it('an attempt while the receiver is paused sends nothing, and its retry is due when the pause ends', async () => {
  const { receiver, logs, telemetry, webhooks, hook, now, advance } = await setup(
    {
      destinationFailuresBeforePause: 1,
      destinationPauseBaseMs: 400,
      webhookRetryBaseMs: 1,
      webhookRetryMaxMs: 1,
      webhookMaxAttempts: 3,
    },
    [503],
  );
  expect(webhooks.delivery(hook, delivery)).toEqual({
    id: 'd1',
    webhookId: 'w1',
    payload: JSON.stringify(delivery),
    createdAt: now(),
    dueAt: now(),
  });

  expect(await webhooks.attempt(claimed(0), hook)).toEqual({ outcome: 'retry', dueAt: now() + 1 });
  advance(1);
  // Attempt 2 falls in the pause: no request, due again when the pause ends.
  expect(await webhooks.attempt(claimed(1), hook)).toEqual({
    outcome: 'retry',
    dueAt: now() + 399,
  });
  advance(399);
  expect(await webhooks.attempt(claimed(2), hook)).toEqual({ outcome: 'finished' });

  expect(receiver.received.map((d) => [d.attempt, d.status, d.deliveryIdHeader])).toEqual([
    [1, 503, 'd1'],
    [3, 200, 'd1'],
  ]);
  const attempts = logs.filter((l) => l.event === 'webhook.attempt');
  expect(attempts.map((l) => [l.attempt, l.outcome, l.status ?? l.failure])).toEqual([
    [1, 'retrying', 503],
    [2, 'retrying', 'paused'],
    [3, 'delivered', 200],
  ]);
  expect(attempts[1]).toMatchObject({ retryInMs: 399, pausedForMs: 399 });
  expect(telemetry.snapshot().webhooks).toEqual({
    attempts: 3,
    delivered: 1,
    retried: 2,
    failed: 0,
    dropped: 0,
  });
});

it('a delivery whose webhook was deleted is dropped; one cut short by shutdown is handed back uncounted', async () => {
  const { receiver, logs, telemetry, webhooks, hook, shutdown, now } = await setup({}, []);
  expect(await webhooks.attempt(claimed(0), undefined)).toEqual({ outcome: 'finished' });
  expect(logs).toEqual([
    { event: 'webhook.dropped', webhookId: 'w1', deliveryId: 'd1', reason: 'webhook-deleted' },
  ]);
  shutdown.abort();
  expect(await webhooks.attempt(claimed(1), hook)).toEqual({ outcome: 'release', dueAt: now() });
  expect(logs[1]).toMatchObject({ event: 'webhook.attempt', attempt: 2, outcome: 'interrupted' });
  expect(receiver.received).toEqual([]);
  expect(telemetry.snapshot().webhooks).toEqual({
    attempts: 0,
    delivered: 0,
    retried: 0,
    failed: 0,
    dropped: 1,
  });
});
