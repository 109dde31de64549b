import type { WebhookDelivery } from '@confab/contracts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiCluster, startApiCluster } from '../__tests__/api-cluster.js';
import type { ApiProcess } from '../__tests__/api-process.js';
import { connect, type TestClient } from '../__tests__/server.js';
import { startCountingReceiver } from '../notify/__tests__/counting-receiver.js';
import { API_KEY, connectWithApiKey } from '../notify/__tests__/fixtures.js';

const SECRET = 'whsec-cluster-0123456789abcdef';
/** Short, so that a killed node's claim is taken over quickly; renewed every third of it. */
const LEASE_MS = 5_000;
/** Failure guards (a loaded 2-core machine), never what the test measures. */
const GUARD_MS = 60_000;

/** Waits for `promise`, failing with `what` past the guard instead of hanging. */
async function guarded<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${GUARD_MS} ms`)), GUARD_MS);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** The notifier's JSON log lines a node printed for one delivery. */
function attemptLines(node: ApiProcess, deliveryId: string) {
  return node
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(deliveryId))
    .map((line) => JSON.parse(line) as { event: string; outcome?: string; attempt?: number });
}

/**
 * The one node of `from` that logged `deliveryId` delivered; fails unless exactly one did. A node
 * logs the attempt before it deletes the outbox row, but the line is written asynchronously
 * (pino) through a pipe this process may read after it saw the row gone: waited for, as a count
 * that only grows.
 */
async function soleSender(from: readonly ApiProcess[], deliveryId: string): Promise<ApiProcess> {
  const senders = () =>
    from.filter((node) =>
      attemptLines(node, deliveryId).some((line) => line.outcome === 'delivered'),
    );
  await vi.waitFor(() => expect(senders()).toHaveLength(1), { timeout: GUARD_MS, interval: 100 });
  const [sender] = senders();
  if (!sender) throw new Error('unreachable: one sender was found');
  return sender;
}

/**
 * The notification outbox across processes: three API processes on one PostgreSQL database
 * and a private Redis, one webhook receiver on loopback. Deliveries are rows claimed with
 * `FOR UPDATE SKIP LOCKED` and a lease, so each is sent by one node at a time and survives the
 * node that was sending it.
 */
describe('webhooks with three API processes', () => {
  let cluster: ApiCluster | undefined;
  let nodes: ApiProcess[] = [];
  let sql: pg.Client;
  let receiver: Awaited<ReturnType<typeof startCountingReceiver>>;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    receiver = await startCountingReceiver(SECRET);
    cluster = await startApiCluster('cluster-webhooks', 3, {
      API_KEYS: API_KEY,
      // The receiver listens on 127.0.0.1.
      ALLOW_PRIVATE_ADDRESSES: 'true',
      WEBHOOK_RETRY_BASE_MS: '20',
      WEBHOOK_MAX_ATTEMPTS: '6',
      NOTIFY_OUTBOX_LEASE_MS: String(LEASE_MS),
      // A held request must outlast the kill rather than time out first.
      NOTIFY_REQUEST_TIMEOUT_MS: '120000',
      RATE_LIMITS: JSON.stringify({ registerPerAddress: { points: 1000, windowMs: 60_000 } }),
      SENDS_PER_SECOND: '100000',
      SEND_BURST: '100000',
    });
    nodes = cluster.nodes;
    sql = new pg.Client({ connectionString: cluster.db.url });
    await sql.connect();
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await sql?.end();
    await cluster?.stop();
    await receiver?.close();
  });

  async function register(node: ApiProcess, name: string): Promise<string> {
    const anonymous = connect(node.url);
    const { token } = await anonymous.api.auth.register.mutate({
      username: name,
      displayName: name,
      password: 'correct horse battery',
    });
    anonymous.close();
    return token;
  }

  /** Alice's session used through every node, Bob offline, one webhook; the room's id. */
  let room = '';
  let alice: TestClient[] = [];
  beforeAll(async () => {
    const [first, second, third] = nodes as [ApiProcess, ApiProcess, ApiProcess];
    const aliceToken = await register(first, 'alice');
    const bobToken = await register(second, 'bob');
    alice = nodes.map((node) => connect(node.url, aliceToken));
    const bob = connect(third.url, bobToken);
    clients.push(...alice, bob);
    const created = await alice[0]?.api.room.create.mutate({ kind: 'private', name: 'ops' });
    room = created?.id ?? '';
    await alice[1]?.api.room.invite.mutate({ roomId: room, username: 'bob' });
    await connectWithApiKey(third.url).notifications.registerWebhook.mutate({
      url: receiver.url,
      secret: SECRET,
    });
  }, 60_000);

  const outboxRows = async () =>
    Number((await sql.query('select count(*) as n from notification_outbox')).rows[0]?.n);

  it('messages sent through all three nodes: each delivery id is received once, signed, and the outbox empties', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      const via = alice[i % 3];
      const message = await via?.api.message.send.mutate({
        roomId: room,
        clientMsgId: `m${i}`,
        body: `message ${i}`,
      });
      sent.push(message?.id ?? '');
    }
    await guarded(
      'every delivery acknowledged',
      receiver.until(() => receiver.deliveries.size >= 30),
    );
    // Once the outbox is empty no node can send anything more: the counts below are final.
    await vi.waitFor(async () => expect(await outboxRows()).toBe(0), {
      timeout: GUARD_MS,
      interval: 100,
    });
    const logs = [...receiver.deliveries.values()];
    expect(logs.map((l) => [l.attempts, l.acknowledged, l.verified])).toEqual(
      logs.map(() => [[1], 1, true]),
    );
    const messageIds = logs.map((l) => (l.body as WebhookDelivery).message.id);
    expect(messageIds.sort()).toEqual([...sent].sort());
    for (const l of logs)
      expect((l.body as WebhookDelivery).recipients.map((r) => r.username)).toEqual(['bob']);
    // Each delivery was sent by one node (the one that queued it wakes at once, so all three
    // took part).
    const senders = new Set<ApiProcess>();
    for (const id of receiver.deliveries.keys()) senders.add(await soleSender(nodes, id));
    expect(senders.size).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('the node sending a retry is SIGKILLed mid-request: another node sends it after the lease, acknowledged once', async () => {
    // Attempts 1 and 2 fail, attempt 3 is held until its sender dies, then 200.
    let killed = false;
    receiver.setPlan((_, index) => (index < 2 ? 500 : killed ? 200 : 'hold'));
    const before = new Set(receiver.deliveries.keys());
    const message = await alice[0]?.api.message.send.mutate({
      roomId: room,
      clientMsgId: 'crash',
      body: 'survive the crash',
    });
    await guarded(
      'the third attempt held',
      receiver.until(() => receiver.held() === 1),
    );
    const [deliveryId] = [...receiver.deliveries.keys()].filter((id) => !before.has(id));
    if (!deliveryId) throw new Error('no new delivery arrived');
    const log = receiver.deliveries.get(deliveryId);
    if (!log) throw new Error('unreachable');
    expect((log.body as WebhookDelivery).message.id).toBe(message?.id);
    expect(log.attempts).toEqual([1, 2, 3]);

    // The claim row names the sender (host/pid/random); its lease is renewed while it waits.
    const claim = async () =>
      (
        await sql.query<{ claimed_by: string; due_at: string; attempts: number }>(
          'select claimed_by, due_at, attempts from notification_outbox where id = $1',
          [deliveryId],
        )
      ).rows[0];
    const first = await claim();
    expect(first?.attempts).toBe(2);
    await vi.waitFor(
      async () => expect(Number((await claim())?.due_at)).toBeGreaterThan(Number(first?.due_at)),
      { timeout: GUARD_MS, interval: 100 },
    );
    const pid = Number(first?.claimed_by.split('/')[1]);
    const sender = nodes.find((node) => node.child.pid === pid);
    if (!sender) throw new Error(`no node has pid ${pid} (claim ${first?.claimed_by})`);
    killed = true;
    sender.child.kill('SIGKILL');
    expect(await sender.exited).toBe('SIGKILL');

    await guarded(
      'the delivery acknowledged after the crash',
      receiver.until(() => (receiver.deliveries.get(deliveryId)?.acknowledged ?? 0) > 0),
    );
    await vi.waitFor(async () => expect(await outboxRows()).toBe(0), {
      timeout: GUARD_MS,
      interval: 100,
    });
    // The cut-short attempt is made again (it was never recorded), and acknowledged once.
    expect(receiver.deliveries.get(deliveryId)).toMatchObject({
      attempts: [1, 2, 3, 3],
      acknowledged: 1,
      verified: true,
    });
    // One of the survivors delivered it.
    await soleSender(
      nodes.filter((node) => node !== sender),
      deliveryId,
    );
    // Nothing else was lost or repeated meanwhile.
    expect([...receiver.deliveries.values()].map((l) => l.acknowledged)).toEqual(
      [...receiver.deliveries.values()].map(() => 1),
    );
    nodes.splice(nodes.indexOf(sender), 1);
  }, 120_000);
});
