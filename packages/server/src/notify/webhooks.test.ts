import type { WebhookDelivery } from '@confab/contracts';
import { afterEach, expect, it } from 'vitest';
import { startWebhookReceiver } from './__tests__/webhook-receiver.js';
import { type NotifyLogEntry, resolveNotifyConfig } from './config.js';
import { createOutbound } from './outbound.js';
import { createTasks } from './tasks.js';
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

it('an attempt while the receiver is paused sends nothing, and its retry waits out the pause', async () => {
  const receiver = await startWebhookReceiver(SECRET, [503]);
  cleanup.push(() => receiver.close());
  const logs: NotifyLogEntry[] = [];
  const telemetry = createTelemetry((entry) => logs.push(entry));
  const config = resolveNotifyConfig({
    allowPrivateAddresses: true,
    destinationFailuresBeforePause: 1,
    // Long enough that the 1 ms retry surely falls in it, even on a loaded machine.
    destinationPauseBaseMs: 400,
    webhookRetryBaseMs: 1,
    webhookRetryMaxMs: 1,
    webhookMaxAttempts: 3,
  });
  const stopping = new AbortController();
  const outbound = createOutbound({
    config,
    telemetry,
    requestSignal: new AbortController().signal,
    now: Date.now,
  });
  cleanup.push(() => outbound.close());
  const tasks = createTasks((error) => {
    throw error;
  });
  const webhooks = createWebhookDispatcher({
    config,
    telemetry,
    tasks,
    outbound,
    stopSignal: stopping.signal,
    now: Date.now,
  });
  const hook = { id: 'w1', url: receiver.url, secret: SECRET, createdAt: 1 };

  webhooks.send(hook, delivery);
  await tasks.settled();

  // Attempt 2 fell in the pause: the receiver saw attempts 1 (503) and 3 (200) only.
  expect(receiver.received.map((d) => [d.attempt, d.status])).toEqual([
    [1, 503],
    [3, 200],
  ]);
  const attempts = logs.filter((l) => l.event === 'webhook.attempt');
  expect(attempts.map((l) => [l.attempt, l.outcome, l.status ?? l.failure])).toEqual([
    [1, 'retrying', 503],
    [2, 'retrying', 'paused'],
    [3, 'delivered', 200],
  ]);
  const paused = attempts[1];
  expect(Number(paused?.retryInMs)).toBe(Number(paused?.pausedForMs));
  expect(Number(paused?.pausedForMs)).toBeGreaterThan(0);
  expect(telemetry.snapshot().webhooks).toEqual({
    attempts: 3,
    delivered: 1,
    retried: 2,
    failed: 0,
    dropped: 0,
  });
});
