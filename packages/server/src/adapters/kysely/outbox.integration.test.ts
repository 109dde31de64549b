import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { openStore } from '../../__tests__/store.js';
import type { OutboxItem, PushWindowUpdate, Store } from '../../ports/store.js';
import { createStoreFromUrl } from './store.js';

const T = 1_700_000_000_000;

// The notification outbox on every engine: claims, leases, outcomes, push windows.
describe.each(ENGINES)('notification outbox on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  /** A second process's store on the same database. */
  let other: Store;
  beforeAll(async () => {
    ({ db, store } = await openStore(create));
    other = await createStoreFromUrl(db.url);
  });
  afterAll(async () => {
    await other?.close();
    await store?.close();
    await db?.drop();
  });

  let prefix = 0;
  /** `n` webhook deliveries due at `dueAt`, with ids unique to the test. */
  async function deliveries(n: number, dueAt = T): Promise<string[]> {
    prefix += 1;
    const ids = Array.from({ length: n }, (_, i) => `d${prefix}-${String(i).padStart(4, '0')}`);
    await store.enqueueWebhookDeliveries(
      ids.map((id) => ({ id, webhookId: 'w1', payload: `{"id":"${id}"}`, createdAt: T, dueAt })),
    );
    return ids;
  }

  /** Claims until nothing is due at `now`, finishing each row claimed. */
  async function drain(by: Store, name: string, now: number): Promise<string[]> {
    const got: string[] = [];
    for (let round = 0; round < 1000; round++) {
      const items = await by.claimOutbox({ by: name, now, leaseMs: 60_000, limit: 7 });
      if (items.length === 0) return got;
      for (const item of items) {
        got.push(item.id);
        expect(await by.finishOutboxItem(item)).toBe(true);
      }
    }
    throw new Error('the outbox never drained');
  }

  it('two processes claiming at once never claim the same row, and between them claim every one', async () => {
    const ids = await deliveries(300);
    // Several claim loops per process, so that claims really overlap on PostgreSQL's pool.
    const loops = await Promise.all([
      ...[1, 2, 3].map((i) => drain(store, `a${i}`, T)),
      ...[1, 2, 3].map((i) => drain(other, `b${i}`, T)),
    ]);
    const all = loops.flat();
    expect(all.length).toBe(ids.length);
    expect([...all].sort()).toEqual(ids);
    expect(await store.outboxCounts()).toEqual({ webhook: 0, push: 0 });
  });

  it('a claim holds the row for its lease; once the lease ends another node claims it, and the first claim can record nothing', async () => {
    const [id] = await deliveries(1, T);
    const [first] = await store.claimOutbox({ by: 'node-a', now: T, leaseMs: 5_000, limit: 10 });
    expect(first).toMatchObject({
      id,
      kind: 'webhook',
      webhookId: 'w1',
      payload: `{"id":"${id}"}`,
      attempts: 0,
      claims: 1,
      claimedBy: 'node-a',
      dueAt: T + 5_000,
    });
    if (!first) throw new Error('unreachable');
    expect(
      await other.claimOutbox({ by: 'node-b', now: T + 4_999, leaseMs: 5_000, limit: 10 }),
    ).toEqual([]);
    // node-a died: its lease ends, node-b takes over.
    const [second] = await other.claimOutbox({
      by: 'node-b',
      now: T + 5_000,
      leaseMs: 5_000,
      limit: 10,
    });
    expect(second).toMatchObject({ id, claims: 2, claimedBy: 'node-b', dueAt: T + 10_000 });
    if (!second) throw new Error('unreachable');
    // node-a comes back late: it holds nothing any more.
    expect(await store.finishOutboxItem(first)).toBe(false);
    expect(await store.retryOutboxItem(first, T)).toBe(false);
    expect(await store.releaseOutboxItem(first, T)).toBe(false);
    expect(await store.renewOutboxClaims('node-a', [id ?? ''], T + 99_000)).toBe(0);
    // node-b holds it and renews its lease.
    expect(await other.renewOutboxClaims('node-b', [id ?? ''], T + 20_000)).toBe(1);
    expect(
      await store.claimOutbox({ by: 'node-a', now: T + 19_999, leaseMs: 1, limit: 10 }),
    ).toEqual([]);
    expect(await other.finishOutboxItem(second)).toBe(true);
  });

  it('a recorded success is never claimed again; a failed attempt is counted and due again; a released claim does not count', async () => {
    const [done, failing] = await deliveries(2, T);
    const claimed = await store.claimOutbox({ by: 'n', now: T, leaseMs: 1_000, limit: 10 });
    const byId = new Map(claimed.map((item) => [item.id, item]));
    const ok = byId.get(done ?? '') as OutboxItem;
    const bad = byId.get(failing ?? '') as OutboxItem;
    expect(await store.finishOutboxItem(ok)).toBe(true);
    expect(await store.retryOutboxItem(bad, T + 300)).toBe(true);
    expect(await store.claimOutbox({ by: 'n', now: T + 299, leaseMs: 1_000, limit: 10 })).toEqual(
      [],
    );
    const [again] = await store.claimOutbox({ by: 'n', now: T + 300, leaseMs: 1_000, limit: 10 });
    expect(again).toMatchObject({ id: failing, attempts: 1, claims: 2 });
    if (!again) throw new Error('unreachable');
    expect(await store.releaseOutboxItem(again, T + 300)).toBe(true);
    const [third] = await other.claimOutbox({ by: 'm', now: T + 300, leaseMs: 1_000, limit: 10 });
    expect(third).toMatchObject({ id: failing, attempts: 1, claims: 2, claimedBy: 'm' });
    if (!third) throw new Error('unreachable');
    expect(await other.finishOutboxItem(third)).toBe(true);
    // Far in the future, nothing is left of either.
    expect(await store.claimOutbox({ by: 'n', now: T * 2, leaseMs: 1, limit: 10 })).toEqual([]);
    expect(await store.outboxCounts()).toEqual({ webhook: 0, push: 0 });
  });

  it('push windows: one per member and room, due from the first message, with the newest message; a claimed window no longer takes messages', async () => {
    const window = (userId: string, seq: number, messages: number, dueAt: number) =>
      ({
        id: `p-${userId}-${seq}`,
        userId,
        roomId: 'r1',
        seq,
        payload: `{"seq":${seq}}`,
        messages,
        dueAt,
        createdAt: T,
      }) satisfies PushWindowUpdate;
    expect(
      await store.openPushWindows([window('u1', 5, 2, T + 2_000), window('u2', 5, 1, T)]),
    ).toBe(2);
    // Later bursts, from another node too: an older seq (sent concurrently) keeps the newest.
    expect(await other.openPushWindows([window('u1', 9, 3, T + 2_500)])).toBe(0);
    expect(await store.openPushWindows([window('u1', 7, 1, T + 2_700)])).toBe(0);
    expect(await store.outboxCounts()).toEqual({ webhook: 0, push: 2 });

    const [u2] = await store.claimOutbox({ by: 'n', now: T, leaseMs: 10_000, limit: 10 });
    expect(u2).toMatchObject({ kind: 'push', userId: 'u2', roomId: 'r1', messages: 1 });
    const [u1] = await store.claimOutbox({ by: 'n', now: T + 2_000, leaseMs: 1_000, limit: 10 });
    expect(u1).toMatchObject({
      id: 'p-u1-5',
      userId: 'u1',
      seq: 9,
      payload: '{"seq":9}',
      messages: 6,
      dueAt: T + 3_000,
    });
    if (!u1 || !u2) throw new Error('unreachable');
    // A message while u1's push is being sent opens a new window.
    expect(await store.openPushWindows([window('u1', 10, 1, T + 4_000)])).toBe(1);
    expect(await store.finishOutboxItem(u1)).toBe(true);
    expect(await store.finishOutboxItem(u2)).toBe(true);
    const [next] = await store.claimOutbox({ by: 'n', now: T + 4_000, leaseMs: 1, limit: 10 });
    expect(next).toMatchObject({ id: 'p-u1-10', seq: 10, messages: 1 });
    if (next) await store.finishOutboxItem(next);
    expect(await store.outboxCounts()).toEqual({ webhook: 0, push: 0 });
  });
});
