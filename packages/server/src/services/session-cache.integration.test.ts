import { afterEach, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { openStore, testClock } from '../__tests__/store.js';
import { createMemoryBus } from '../adapters/memory-bus.js';
import type { Store } from '../ports/store.js';
import { createSessionCache, SESSION_CACHE_TTL_MS } from './session-cache.js';

const opened: { db: TestDatabase; store: Store }[] = [];
afterEach(async () => {
  for (const { db, store } of opened.splice(0)) {
    await store.close();
    await db.drop();
  }
});

/** A store that counts its session reads, one user with two sessions, and a cache over both. */
async function setup() {
  const reads: string[] = [];
  const clock = testClock();
  let now = clock.now();
  const opening = await openStore(async () => sqliteDatabase(), {
    onQuery: (sql) => {
      if (sql.startsWith('select') && sql.includes('"sessions"')) reads.push(sql);
    },
  });
  opened.push(opening);
  const { store } = opening;
  const bus = createMemoryBus();
  await store.createUser({
    id: 'u1',
    username: 'ada',
    displayName: 'Ada',
    createdAt: now,
    passwordHash: 'x',
  });
  for (const id of ['s1', 's2']) {
    await store.createSession({
      id,
      userId: 'u1',
      tokenHash: `hash-${id}`,
      deviceLabel: id,
      createdAt: now,
      lastSeenAt: now,
      revokedAt: null,
    });
  }
  reads.length = 0;
  const cache = createSessionCache({ store, bus, now: () => now });
  return {
    store,
    bus,
    cache,
    reads,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

it('reads a session from the store until its user is listened to, then serves it from memory', async () => {
  const { cache, reads } = await setup();
  // First call: read, and this node starts listening to the user's topic.
  expect((await cache.lookup('hash-s1'))?.session.id).toBe('s1');
  // Second: read again (the first read began before the listening did), now cached.
  expect((await cache.lookup('hash-s1'))?.session.id).toBe('s1');
  expect(reads).toHaveLength(2);
  for (let i = 0; i < 5; i++) expect((await cache.lookup('hash-s1'))?.user.username).toBe('ada');
  expect(reads).toHaveLength(2);
  // The user's other session: already listened to, so cached from its first read.
  await cache.lookup('hash-s2');
  await cache.lookup('hash-s2');
  expect(reads).toHaveLength(3);
  expect(cache.size).toBe(2);
  // Unknown tokens are never cached.
  expect(await cache.lookup('hash-none')).toBeUndefined();
  expect(await cache.lookup('hash-none')).toBeUndefined();
  expect(reads).toHaveLength(5);
});

it('a revoke heard on the bus (from any node) drops that session at once, and only that one', async () => {
  const { store, bus, cache, reads } = await setup();
  for (let i = 0; i < 2; i++) {
    await cache.lookup('hash-s1');
    await cache.lookup('hash-s2');
  }
  expect(cache.size).toBe(2);
  // Another node revokes s1: the store changes, then the bus tells.
  expect(await store.revokeSession('u1', 's1', 5)).toBe(true);
  await bus.publish('user:u1', { kind: 'session-ended', userId: 'u1', sessionId: 's1' });
  expect(cache.size).toBe(1);
  reads.length = 0;
  expect((await cache.lookup('hash-s1'))?.session.revokedAt).toBe(5);
  expect((await cache.lookup('hash-s2'))?.session.revokedAt).toBeNull();
  expect(reads).toHaveLength(1);
  // A revoked session is read from the store every time, never cached.
  await cache.lookup('hash-s1');
  expect(reads).toHaveLength(2);
});

it('a revoke heard while a read is under way keeps that read out of the cache', async () => {
  const { store, bus, cache, reads } = await setup();
  await cache.lookup('hash-s1'); // now listening to u1
  const during = cache.lookup('hash-s1');
  // The read is in flight (better-sqlite3 answers on a later turn of the promise chain).
  await bus.publish('user:u1', { kind: 'session-ended', userId: 'u1', sessionId: 's2' });
  await during;
  expect(cache.size).toBe(0);
  await store.revokeSession('u1', 's1', 7);
  expect((await cache.lookup('hash-s1'))?.session.revokedAt).toBe(7);
  expect(reads).toHaveLength(3);
});

it('forget() drops a session on this node without waiting for the bus', async () => {
  const { cache } = await setup();
  await cache.lookup('hash-s1');
  await cache.lookup('hash-s1');
  expect(cache.size).toBe(1);
  cache.forget('u1', 's1');
  expect(cache.size).toBe(0);
});

it('a cached session is read again once it is a minute old', async () => {
  const { cache, reads, advance } = await setup();
  await cache.lookup('hash-s1');
  await cache.lookup('hash-s1');
  advance(SESSION_CACHE_TTL_MS - 1);
  await cache.lookup('hash-s1');
  expect(reads).toHaveLength(2);
  advance(1);
  await cache.lookup('hash-s1');
  expect(reads).toHaveLength(3);
  // Re-read and cached again: the user is still listened to.
  await cache.lookup('hash-s1');
  expect(reads).toHaveLength(3);
});
