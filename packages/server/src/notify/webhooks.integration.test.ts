import type { WebhookDelivery } from '@confab/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sqliteDatabase } from '../__tests__/databases.js';
import { connect, signUp, startServer } from '../__tests__/server.js';
import { API_KEY, connectWithApiKey, openStream, refusal } from './__tests__/fixtures.js';
import { startWebhookReceiver } from './__tests__/webhook-receiver.js';
import type { NotifyConfig, NotifyLogEntry } from './config.js';
import { verifyWebhookSignature } from './verify.js';

const SECRET = 'whsec-test-0123456789abcdef';

type User = Awaited<ReturnType<typeof signUp>>;

describe('webhooks for other apps', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setup(notifications: NotifyConfig = {}) {
    const db = sqliteDatabase();
    const logs: NotifyLogEntry[] = [];
    const server = await startServer(db.url, {
      apiKeys: [API_KEY],
      notifications: {
        // The test receivers listen on 127.0.0.1.
        allowPrivateAddresses: true,
        webhookRetryBaseMs: 20,
        webhookMaxAttempts: 4,
        log: (entry) => logs.push(entry),
        ...notifications,
      },
    });
    cleanup.push(
      () => db.drop(),
      () => server.close(),
    );
    const users = <const Names extends string[]>(...names: Names) =>
      Promise.all(
        names.map(async (name) => {
          const user = await signUp(server.url, name);
          cleanup.push(() => user.close());
          return user;
        }),
      ) as Promise<{ [K in keyof Names]: User }>;
    const receiver = async (statuses: number[] = [], secret = SECRET) => {
      const r = await startWebhookReceiver(secret, statuses);
      cleanup.push(() => r.close());
      return r;
    };
    return {
      server,
      logs,
      users,
      receiver,
      admin: connectWithApiKey(server.url),
      notify: server.server.services.notify,
    };
  }

  async function roomOf(owner: User, others: User[]) {
    const room = await owner.api.room.create.mutate({ kind: 'private', name: 'support' });
    for (const other of others)
      await owner.api.room.invite.mutate({ roomId: room.id, username: other.username });
    return room;
  }

  const person = (u: User) => ({
    userId: u.user.id,
    username: u.username,
    displayName: u.user.displayName,
  });

  it('an admin registers, lists and deletes webhooks with the API key; the secret is never shown', async () => {
    const { server, admin } = await setup();
    const hook = await admin.notifications.registerWebhook.mutate({
      url: 'https://hooks.example.com/confab',
      secret: SECRET,
    });
    expect(hook).toEqual({
      id: expect.any(String),
      url: 'https://hooks.example.com/confab',
      createdAt: expect.any(Number),
    });
    expect(await admin.notifications.webhooks.query()).toEqual([hook]);
    expect(
      await refusal(
        connectWithApiKey(server.url, 'wrong-key-0123456789').notifications.webhooks.query(),
      ),
    ).toEqual({ appCode: 'INVALID_API_KEY', message: 'Missing or wrong API key' });
    expect(
      await refusal(
        admin.notifications.registerWebhook.mutate({ url: 'https://x.example', secret: 'short' }),
      ),
    ).toEqual({ appCode: 'VALIDATION', message: 'secret: secret needs at least 16 characters' });
    expect(await admin.notifications.deleteWebhook.mutate({ webhookId: hook.id })).toEqual({
      removed: true,
    });
    expect(await admin.notifications.deleteWebhook.mutate({ webhookId: hook.id })).toEqual({
      removed: false,
    });
    expect(await admin.notifications.webhooks.query()).toEqual([]);
  });

  it('one signed delivery per message per webhook, listing the offline members who did not mute the room', async () => {
    const { admin, users, receiver, notify } = await setup();
    const [alice, bob, carol, dave] = await users('alice', 'bob', 'carol', 'dave');
    const room = await roomOf(alice, [bob, carol, dave]);
    const carolStream = await openStream(carol.api);
    cleanup.push(() => carolStream.close());
    await dave.api.notifications.setRoomMuted.mutate({ roomId: room.id, muted: true });
    const [first, second] = [await receiver(), await receiver([], 'another-secret-0123456789')];
    await admin.notifications.registerWebhook.mutate({ url: first.url, secret: SECRET });
    await admin.notifications.registerWebhook.mutate({
      url: second.url,
      secret: 'another-secret-0123456789',
    });

    const sent = await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'w1',
      body: 'ticket #42 is yours',
    });
    // A retry of the same send is not a new message: no second delivery.
    await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'w1',
      body: 'ticket #42 is yours',
    });
    await notify.settled();

    const expected: WebhookDelivery = {
      deliveryId: expect.any(String),
      type: 'message.created',
      createdAt: expect.any(Number),
      room: { id: room.id, name: 'support', kind: 'private' },
      message: {
        id: sent.id,
        seq: sent.seq,
        body: 'ticket #42 is yours',
        createdAt: sent.createdAt,
        author: person(alice),
      },
      recipients: [{ ...person(bob), mentioned: false }],
    };
    for (const r of [first, second]) {
      expect(r.received).toHaveLength(1);
      const [delivery] = r.received;
      expect(JSON.parse(delivery?.rawBody ?? '')).toEqual(expected);
      expect(delivery?.verified).toEqual({
        ok: true,
        deliveryId: JSON.parse(delivery?.rawBody ?? '').deliveryId,
        payload: JSON.parse(delivery?.rawBody ?? ''),
      });
      expect(delivery?.attempt).toBe(1);
      expect(delivery?.signature).toMatch(/^v1=[0-9a-f]{64}$/);
    }
    const ids = [first, second].map((r) => JSON.parse(r.received[0]?.rawBody ?? '').deliveryId);
    expect(new Set(ids).size).toBe(2);
    expect(notify.metrics().webhooks).toEqual({
      attempts: 2,
      delivered: 2,
      retried: 0,
      failed: 0,
      dropped: 0,
    });
  });

  it('the helper rejects a tampered body, a wrong secret, a stale or future timestamp and a replayed deliveryId', async () => {
    const { admin, users, receiver, notify } = await setup();
    const [alice, bob] = await users('alice', 'bob');
    const room = await roomOf(alice, [bob]);
    const r = await receiver();
    await admin.notifications.registerWebhook.mutate({ url: r.url, secret: SECRET });
    await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'v', body: 'pay 10 EUR' });
    await notify.settled();
    const [delivery] = r.received;
    if (!delivery) throw new Error('no delivery arrived');
    const { rawBody, timestamp, signature } = delivery;
    const at = Number(timestamp) * 1000;
    const check = (changes: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({
        secret: SECRET,
        timestamp,
        signature,
        rawBody,
        now: at,
        ...changes,
      });

    expect(await check({})).toMatchObject({ ok: true });
    expect(await check({ rawBody: rawBody.replace('pay 10 EUR', 'pay 99 EUR') })).toEqual({
      ok: false,
      reason: 'signature',
    });
    expect(await check({ secret: 'not-the-secret-0123456789' })).toEqual({
      ok: false,
      reason: 'signature',
    });
    // Re-signed with a new timestamp by an attacker without the secret: the HMAC covers it.
    expect(await check({ timestamp: String(Number(timestamp) + 60) })).toEqual({
      ok: false,
      reason: 'signature',
    });
    expect(await check({ now: at + 301_000 })).toEqual({ ok: false, reason: 'stale' });
    expect(await check({ now: at + 299_000 })).toMatchObject({ ok: true });
    expect(await check({ now: at - 301_000 })).toEqual({ ok: false, reason: 'future' });
    expect(await check({ now: at + 61_000, toleranceSec: 60 })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(await check({ signature: undefined })).toEqual({ ok: false, reason: 'malformed' });
    expect(await check({ timestamp: 'yesterday' })).toEqual({ ok: false, reason: 'malformed' });

    const seen = new Set<string>();
    const remember = (id: string) => {
      if (seen.has(id)) return true;
      seen.add(id);
      return false;
    };
    expect(await check({ seen: remember })).toMatchObject({ ok: true });
    expect(await check({ seen: remember })).toEqual({ ok: false, reason: 'replayed' });
    // A forgery never reaches `seen`, so it cannot burn a real delivery's id.
    const asked: string[] = [];
    await check({ secret: 'wrong-secret-0123456789', seen: (id) => asked.push(id) > 0 });
    expect(asked).toEqual([]);
  });

  it('a receiver that fails twice then succeeds gets 3 attempts of the same delivery, in the stats and the log', async () => {
    const { admin, users, receiver, notify, logs } = await setup();
    const [alice, bob] = await users('alice', 'bob');
    const room = await roomOf(alice, [bob]);
    const flaky = await receiver([500, 503]);
    const hook = await admin.notifications.registerWebhook.mutate({
      url: flaky.url,
      secret: SECRET,
    });
    await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'r', body: 'retry me' });
    await notify.settled();

    expect(flaky.received.map((d) => [d.attempt, d.status, d.verified.ok])).toEqual([
      [1, 500, true],
      [2, 503, true],
      [3, 200, true],
    ]);
    const bodies = new Set(flaky.received.map((d) => d.rawBody));
    expect(bodies.size).toBe(1);
    const { deliveryId } = JSON.parse(flaky.received[0]?.rawBody ?? '');
    expect(flaky.received.map((d) => d.deliveryIdHeader)).toEqual([
      deliveryId,
      deliveryId,
      deliveryId,
    ]);
    expect(await admin.notifications.stats.query()).toMatchObject({
      webhooks: { attempts: 3, delivered: 1, retried: 2, failed: 0, dropped: 0 },
    });
    const attempts = logs.filter((l) => l.event === 'webhook.attempt');
    expect(attempts).toMatchObject([
      { webhookId: hook.id, deliveryId, attempt: 1, status: 500, outcome: 'retrying' },
      { webhookId: hook.id, deliveryId, attempt: 2, status: 503, outcome: 'retrying' },
      { webhookId: hook.id, deliveryId, attempt: 3, status: 200, outcome: 'delivered' },
    ]);
    // Exponential: the second wait is the longer one (each within [d/2, d] of 20 ms, 40 ms).
    const [wait1, wait2] = attempts.map((a) => Number(a.retryInMs));
    expect(wait1).toBeGreaterThanOrEqual(10);
    expect(wait1).toBeLessThanOrEqual(20);
    expect(wait2).toBeGreaterThanOrEqual(20);
    expect(wait2).toBeLessThanOrEqual(40);
  });

  it('a receiver that keeps failing, or cannot be reached, is given up after the last attempt', async () => {
    const { admin, users, receiver, notify, logs } = await setup({ webhookMaxAttempts: 3 });
    const [alice, bob] = await users('alice', 'bob');
    const room = await roomOf(alice, [bob]);
    const down = await receiver([500, 500, 500, 500]);
    const gone = await receiver();
    await gone.close();
    await admin.notifications.registerWebhook.mutate({ url: down.url, secret: SECRET });
    await admin.notifications.registerWebhook.mutate({ url: gone.url, secret: SECRET });
    await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'f', body: 'anyone?' });
    await notify.settled();

    expect(down.received.map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(notify.metrics().webhooks).toEqual({
      attempts: 6,
      delivered: 0,
      retried: 4,
      failed: 2,
      dropped: 0,
    });
    const unreachable = logs.filter(
      (l) => l.event === 'webhook.attempt' && l.origin === new URL(gone.url).origin,
    );
    expect(unreachable.map((l) => [l.attempt, l.outcome, l.status, typeof l.error])).toEqual([
      [1, 'retrying', undefined, 'string'],
      [2, 'retrying', undefined, 'string'],
      [3, 'failed', undefined, 'string'],
    ]);
  });

  it('registerWebhook refuses a URL naming a loopback, private or reserved address, and stores nothing', async () => {
    const { admin } = await setup({ allowPrivateAddresses: false });
    const internal = 'url must name a public host, not a loopback, private or reserved address';
    const cases: [string, string][] = [
      ['http://127.0.0.1:8080/hooks', internal],
      ['http://localhost:8080/hooks', internal],
      ['http://[::1]/hooks', internal],
      ['http://169.254.169.254/latest/meta-data', internal],
      ['https://10.0.0.5/hooks', internal],
      ['https://[::ffff:10.0.0.5]/hooks', internal],
      ['https://[fd00::5]/hooks', internal],
      ['http://2130706433/hooks', internal],
      ['https://user:pass@hooks.example.com/confab', 'url must not carry credentials'],
    ];
    for (const [url, message] of cases) {
      expect(
        await refusal(admin.notifications.registerWebhook.mutate({ url, secret: SECRET })),
      ).toEqual({ appCode: 'VALIDATION', message });
    }
    expect(await admin.notifications.webhooks.query()).toEqual([]);
  });

  it('a webhook whose name resolves to an internal address is refused at delivery: failed at once, never contacted', async () => {
    const asked: string[] = [];
    const { admin, users, receiver, notify, logs } = await setup({
      allowPrivateAddresses: false,
      lookup: async (hostname) => {
        asked.push(hostname);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    const [alice, bob] = await users('alice', 'bob');
    const room = await roomOf(alice, [bob]);
    const r = await receiver();
    const url = r.url.replace('127.0.0.1', 'hooks.example.test');
    await admin.notifications.registerWebhook.mutate({ url, secret: SECRET });
    await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'x', body: 'psst' });
    await notify.settled();

    expect(asked).toEqual(['hooks.example.test']);
    expect(r.received).toEqual([]);
    expect(notify.metrics().webhooks).toEqual({
      attempts: 1,
      delivered: 0,
      retried: 0,
      failed: 1,
      dropped: 0,
    });
    expect(logs.filter((l) => l.event === 'webhook.attempt')).toEqual([
      expect.objectContaining({
        origin: new URL(url).origin,
        attempt: 1,
        outcome: 'failed',
        failure: 'refused',
      }),
    ]);
  });

  it('nothing is delivered when every member is connected, muted or the sender', async () => {
    const { admin, users, receiver, notify } = await setup();
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const room = await roomOf(alice, [bob, carol]);
    const bobStream = await openStream(bob.api);
    cleanup.push(() => bobStream.close());
    await carol.api.notifications.setRoomMuted.mutate({ roomId: room.id, muted: true });
    const r = await receiver();
    await admin.notifications.registerWebhook.mutate({ url: r.url, secret: SECRET });
    await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'n', body: 'hi all' });
    await notify.settled();
    expect(r.received).toEqual([]);
    expect(notify.metrics().webhooks.attempts).toBe(0);
  });

  it('a retry waiting at shutdown stays in the outbox: the next start on the same database sends it, same delivery id', async () => {
    const db = sqliteDatabase();
    cleanup.push(() => db.drop());
    const r = await startWebhookReceiver(SECRET, [500]);
    cleanup.push(() => r.close());
    const config = () => ({
      apiKeys: [API_KEY],
      notifications: {
        allowPrivateAddresses: true,
        // The retry is due 1-2 s after the first attempt: long after the first server closed.
        webhookRetryBaseMs: 2_000,
        log: () => {},
      },
    });
    const first = await startServer(db.url, config());
    const [alice, bob] = [await signUp(first.url, 'alice'), await signUp(first.url, 'bob')];
    const room = await roomOf(alice, [bob]);
    await connectWithApiKey(first.url).notifications.registerWebhook.mutate({
      url: r.url,
      secret: SECRET,
    });
    await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'k', body: 'kept' });
    await vi.waitFor(() => expect(r.received).toHaveLength(1), { timeout: 10_000 });
    alice.close();
    bob.close();
    await first.close();
    expect(first.server.services.notify.metrics().webhooks).toEqual({
      attempts: 1,
      delivered: 0,
      retried: 1,
      failed: 0,
      dropped: 0,
    });

    const second = await startServer(db.url, config());
    cleanup.push(() => second.close());
    const aliceAgain = connect(second.url, alice.token);
    cleanup.push(() => aliceAgain.close());
    await second.server.services.notify.settled();
    expect(r.received.map((d) => [d.attempt, d.status, d.verified.ok])).toEqual([
      [1, 500, true],
      [2, 200, true],
    ]);
    const [firstTry, secondTry] = r.received;
    expect(secondTry?.deliveryIdHeader).toBe(firstTry?.deliveryIdHeader);
    expect(secondTry?.rawBody).toBe(firstTry?.rawBody);
    expect(second.server.services.notify.metrics().webhooks).toEqual({
      attempts: 1,
      delivered: 1,
      retried: 0,
      failed: 0,
      dropped: 0,
    });
  });
});
