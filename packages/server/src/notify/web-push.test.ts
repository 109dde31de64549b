import type { LookupAddress } from 'node:dns';
import type { PushNotificationPayload } from '@confab/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import type { PushSubscriptionRecord } from '../ports/store.js';
import { startPushService } from './__tests__/push-service.js';
import { startTestPeer } from './__tests__/test-peer.js';
import { type NotifyConfig, type NotifyLogEntry, resolveNotifyConfig } from './config.js';
import { createOutbound } from './outbound.js';
import { createTelemetry } from './telemetry.js';
import { createPushSender } from './web-push.js';

// The push sender over real loopback HTTP: a test push service that decrypts what it gets, and
// peers that hang. Only the store is in memory (it is not what these tests are about).

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const PAYLOAD: PushNotificationPayload = {
  type: 'room.messages',
  tag: 'room:r1',
  roomId: 'r1',
  roomName: 'team',
  roomKind: 'private',
  count: 1,
  lastMessage: { id: 'm1', seq: 1, authorDisplayName: 'alice', bodyPreview: 'hi', createdAt: 1 },
};

async function setup(config: NotifyConfig) {
  const pushService = await startPushService();
  cleanup.push(() => pushService.close());
  const subscriptions: PushSubscriptionRecord[] = [];
  const logs: NotifyLogEntry[] = [];
  const telemetry = createTelemetry((entry) => logs.push(entry));
  const resolved = resolveNotifyConfig({ allowPrivateAddresses: true, ...config });
  const outbound = createOutbound({
    config: resolved,
    telemetry,
    requestSignal: new AbortController().signal,
    now: Date.now,
  });
  cleanup.push(() => outbound.close());
  const vapid = webpush.generateVAPIDKeys();
  const sender = createPushSender({
    store: {
      pushSubscriptionsOf: async ([userId]) => subscriptions.filter((s) => s.userId === userId),
      deletePushSubscription: async () => true,
    },
    config: resolved,
    telemetry,
    outbound,
    vapidKeys: async () => vapid,
    now: Date.now,
  });
  /** Subscribes `userId` at `endpoint` (keys from the push service, so it can decrypt). */
  const subscribe = (userId: string, name: string, endpoint?: string) => {
    const { endpoint: own, keys } = pushService.subscribe(name);
    subscriptions.push({
      endpoint: endpoint ?? own,
      userId,
      sessionId: `${userId}-${name}`,
      p256dh: keys.p256dh,
      auth: keys.auth,
      createdAt: Date.now(),
    });
  };
  return { pushService, sender, telemetry, logs, subscribe };
}

const outcomes = (logs: NotifyLogEntry[]) =>
  logs.map((l) => [l.event, l.userId, l.failure ?? l.status]);

describe('Web Push requests that hang, crawl or point inside', () => {
  it('regression: peers that accept and never answer time out and free their slots, so a healthy push still goes', async () => {
    const hung = [await startTestPeer('hold'), await startTestPeer('hold')];
    for (const peer of hung) cleanup.push(() => peer.close());
    // The timeout also bounds the healthy push: long enough for it on a loaded machine (it
    // was 300 ms, and a push to the local service took longer under a full test run).
    const { pushService, sender, telemetry, logs, subscribe } = await setup({
      maxConcurrentRequests: 2,
      requestTimeoutMs: 3_000,
    });
    subscribe('stuck', 'a', `${hung[0]?.origin}/push/a`);
    subscribe('stuck', 'b', `${hung[1]?.origin}/push/b`);
    subscribe('bob', 'bob');

    const stuck = sender.toUser('stuck', PAYLOAD);
    // Both global slots are taken by the hung peers before bob's push is asked for.
    for (const peer of hung) await peer.until((s) => s.requests.length === 1);
    await sender.toUser('bob', PAYLOAD);
    await stuck;

    expect(pushService.problems).toEqual([]);
    expect(pushService.payloadsOf('bob')).toEqual([PAYLOAD]);
    expect(outcomes(logs)).toEqual([
      ['push.failed', 'stuck', 'timeout'],
      ['push.failed', 'stuck', 'timeout'],
      ['push.sent', 'bob', 201],
    ]);
    expect(logs[0]).toMatchObject({ error: 'no answer within 3000 ms' });
    expect(telemetry.snapshot().push).toMatchObject({ sent: 1, failed: 2 });
    for (const peer of hung) await peer.until((s) => s.abandoned === 1);
  });

  it('a slow push service holds at most maxConcurrentPerDestination slots: another user’s push is not delayed, and the slow one’s pushes all go later', async () => {
    const slow = await startTestPeer('hold');
    cleanup.push(() => slow.close());
    const { pushService, sender, logs, subscribe } = await setup({
      maxConcurrentRequests: 2,
      maxConcurrentPerDestination: 1,
    });
    for (let i = 0; i < 5; i += 1) subscribe('crowd', `c${i}`, `${slow.origin}/push/c${i}`);
    subscribe('bob', 'bob');

    const crowd = sender.toUser('crowd', PAYLOAD);
    await slow.until((s) => s.requests.length === 1);
    await sender.toUser('bob', PAYLOAD);

    // Bob's push went while the slow service still held its first request, the other 4 waiting.
    expect(pushService.payloadsOf('bob')).toEqual([PAYLOAD]);
    expect(slow.state).toMatchObject({ inFlight: 1, requests: [{ path: '/push/c0' }] });

    slow.answer({ status: 201 });
    await crowd;
    expect(slow.state.requests.map((r) => r.path)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `/push/c${i}`),
    );
    expect(slow.state.maxInFlight).toBe(1);
    expect(outcomes(logs)).toEqual([
      ['push.sent', 'bob', 201],
      ...Array.from({ length: 5 }, () => ['push.sent', 'crowd', 201]),
    ]);
  });

  it('an endpoint whose name resolves to 127.0.0.1 is refused at delivery: counted failed, logged, nothing thrown or contacted', async () => {
    const peer = await startTestPeer();
    cleanup.push(() => peer.close());
    const asked: string[] = [];
    const lookup = async (hostname: string): Promise<LookupAddress[]> => {
      asked.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const { sender, telemetry, logs, subscribe } = await setup({
      allowPrivateAddresses: false,
      lookup,
    });
    subscribe('eve', 'eve', `https://push.example.test:${peer.port}/push/eve`);

    await sender.toUser('eve', PAYLOAD);

    expect(asked).toEqual(['push.example.test']);
    expect(peer.state.connections).toBe(0);
    expect(telemetry.snapshot().push).toMatchObject({ sent: 0, failed: 1 });
    expect(logs).toEqual([
      expect.objectContaining({
        event: 'push.failed',
        userId: 'eve',
        origin: `https://push.example.test:${peer.port}`,
        failure: 'refused',
      }),
    ]);
  });
});
