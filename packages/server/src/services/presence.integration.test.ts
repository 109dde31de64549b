import type { PresenceStatus } from '@confab/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { createStoreUser, openStore, testClock } from '../__tests__/store.js';
import { createMemoryBus } from '../adapters/memory-bus.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import { createPresence, type Presence, type StreamHandle } from './presence.js';

/** Calls of one store method that wait, for the users told to `hold`, until `release`. */
function gate() {
  const held = new Map<string, () => void>();
  const waiting: Array<() => void> = [];
  return {
    /** Holds the next calls for `userId`; resolves when the first is made. */
    hold: (userId: string) =>
      new Promise<void>((resolve) => {
        held.set(userId, resolve);
      }),
    release() {
      held.clear();
      for (const resume of waiting.splice(0)) resume();
    },
    async pass(userId: string): Promise<void> {
      const called = held.get(userId);
      if (!called) return;
      const released = new Promise<void>((resolve) => waiting.push(resolve));
      called();
      await released;
    },
  };
}

/** One device's stream as presence sees it: the changes it was told, in order. */
function stream() {
  const told: Array<{ userId: string; status: PresenceStatus }> = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  const handle: StreamHandle = {
    needsHeartbeat: false,
    cutOff() {},
    presenceChanged({ userId, status }) {
      told.push({ userId, status });
      if (waiter && told.length >= waiter.count) waiter.resolve();
    },
  };
  /** Resolves once the stream was told `count` changes in all. */
  function heard(count: number): Promise<void> {
    if (told.length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      waiter = { count, resolve };
    });
  }
  return { handle, told, heard };
}

/**
 * A stream that opens while a peer's change is on its way to the node's devices (each telling
 * waits for a store query) must hear it once: in its snapshot, or after it, never both. On a
 * busy cluster the duplicate showed as an `online` for someone the snapshot already listed.
 */
describe('presence: a new stream hears each change once, in its snapshot or after it', () => {
  let db: TestDatabase;
  let store: Store;
  let presence: Presence;
  const peers = gate();
  const memberSets = gate();
  let ann: Authenticated;
  let bob: Authenticated;

  beforeEach(async () => {
    ({ db, store } = await openStore(async () => sqliteDatabase()));
    const clock = testClock();
    const annId = await createStoreUser(store, clock, 'ann');
    const bobId = await createStoreUser(store, clock, 'bob');
    await store.createRoom(
      { id: 'r1', kind: 'private', name: 'r', topic: '', createdAt: clock.tick() },
      [
        { userId: annId, role: 'owner' },
        { userId: bobId, role: 'member' },
      ],
    );
    // The real store, but for the two reads the races turn on.
    const real = store;
    const gated: Store = {
      ...real,
      async peersOf(userId) {
        await peers.pass(userId);
        return real.peersOf(userId);
      },
      async memberSetsOf(userId) {
        await memberSets.pass(userId);
        return real.memberSetsOf(userId);
      },
    };
    presence = createPresence({ store: gated, bus: createMemoryBus(), now: clock.now });
    const auth = async (userId: string): Promise<Authenticated> => {
      const user = await store.userById(userId);
      if (!user) throw new Error('no user');
      const session = {
        id: `s-${userId}`,
        userId,
        tokenHash: `h-${userId}`,
        deviceLabel: 'test',
        createdAt: clock.now(),
        lastSeenAt: clock.now(),
        revokedAt: null,
      };
      return { user, session };
    };
    ann = await auth(annId);
    bob = await auth(bobId);
  });
  afterEach(async () => {
    peers.release();
    memberSets.release();
    presence.close();
    await store.close();
    await db.drop();
  });

  const roomsOf = (auth: Authenticated) => store.roomSeqsOf(auth.user.id);

  it('a change told after the snapshot read it: the snapshot lists it, the stream is not told it again', async () => {
    // Ann comes online; telling the node's devices of it waits at the store.
    const telling = peers.hold(ann.user.id);
    const annStream = stream();
    await presence.attach(ann, annStream.handle, await roomsOf(ann), 100);
    await telling;

    const bobStream = stream();
    const snapshot = await presence.attach(bob, bobStream.handle, await roomsOf(bob), 100);
    expect(snapshot.map((s) => [s.userId, s.status])).toEqual([[ann.user.id, 'online']]);
    peers.release();

    // Ann leaves: bob's stream hears that, and nothing before it.
    presence.detach(ann, annStream.handle);
    await bobStream.heard(1);
    expect(bobStream.told).toEqual([{ userId: ann.user.id, status: 'offline' }]);
  });

  it('a change made while the snapshot is read: the snapshot lists it, the stream is not told it', async () => {
    // Bob's stream opens; its snapshot waits for the member sets.
    const reading = memberSets.hold(bob.user.id);
    const bobStream = stream();
    const snapshot = presence.attach(bob, bobStream.handle, await roomsOf(bob), 100);
    await reading;

    // Meanwhile ann comes online, and the node tells its devices (bob's stream among them).
    const telling = peers.hold(ann.user.id);
    const annStream = stream();
    const annAttached = presence.attach(ann, annStream.handle, await roomsOf(ann), 100);
    await telling;
    peers.release();
    memberSets.release();
    expect((await snapshot).map((s) => [s.userId, s.status])).toEqual([[ann.user.id, 'online']]);
    await annAttached;

    presence.detach(ann, annStream.handle);
    await bobStream.heard(1);
    expect(bobStream.told).toEqual([{ userId: ann.user.id, status: 'offline' }]);
  });

  it('a change made after the snapshot was read is told: the stream misses none', async () => {
    const bobStream = stream();
    const snapshot = await presence.attach(bob, bobStream.handle, await roomsOf(bob), 100);
    expect(snapshot).toEqual([]);

    const annStream = stream();
    await presence.attach(ann, annStream.handle, await roomsOf(ann), 100);
    await bobStream.heard(1);
    presence.setActive(ann, false);
    await bobStream.heard(2);
    presence.detach(ann, annStream.handle);
    await bobStream.heard(3);
    expect(bobStream.told).toEqual([
      { userId: ann.user.id, status: 'online' },
      { userId: ann.user.id, status: 'away' },
      { userId: ann.user.id, status: 'offline' },
    ]);
  });
});
