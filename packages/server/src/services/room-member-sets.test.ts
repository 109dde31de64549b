import { describe, expect, it } from 'vitest';
import { RoomMemberSets } from './room-member-sets.js';

/** A store whose member sets the test sets, counting reads; `hold` keeps reads pending. */
function fakeStore(initial: Record<string, string[]>) {
  const rooms = new Map(Object.entries(initial));
  const reads: string[] = [];
  let held: Array<() => void> | undefined;
  let failNext = false;
  return {
    rooms,
    reads,
    hold() {
      held = [];
    },
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const go of waiting) go();
    },
    failNextRead() {
      failNext = true;
    },
    async memberSetsOf(userId: string): Promise<Map<string, string[]>> {
      reads.push(userId);
      if (held) await new Promise<void>((resolve) => held?.push(resolve));
      if (failNext) {
        failNext = false;
        throw new Error('store down');
      }
      const sets = new Map<string, string[]>();
      for (const [roomId, members] of rooms)
        if (members.includes(userId)) sets.set(roomId, [...members]);
      return sets;
    },
  };
}

describe('RoomMemberSets', () => {
  it('reads a room once for every stream at its version, and again once its version moves', async () => {
    const store = fakeStore({ r1: ['ann', 'bob', 'cy'] });
    const sets = new RoomMemberSets(store);
    expect(await sets.peersOf('ann', [{ id: 'r1', membersVersion: 3 }])).toEqual(['bob', 'cy']);
    expect(await sets.peersOf('bob', [{ id: 'r1', membersVersion: 3 }])).toEqual(['ann', 'cy']);
    expect(store.reads).toEqual(['ann']);

    // Dee joins (a join appends to the log: the version moves to the join's seq).
    store.rooms.set('r1', ['ann', 'bob', 'cy', 'dee']);
    expect(await sets.peersOf('cy', [{ id: 'r1', membersVersion: 7 }])).toEqual([
      'ann',
      'bob',
      'dee',
    ]);
    // Bob leaves.
    store.rooms.set('r1', ['ann', 'cy', 'dee']);
    expect(await sets.peersOf('ann', [{ id: 'r1', membersVersion: 9 }])).toEqual(['cy', 'dee']);
    // A stream that read the version before the leave may use the newer set.
    expect(await sets.peersOf('dee', [{ id: 'r1', membersVersion: 7 }])).toEqual(['ann', 'cy']);
    expect(store.reads).toEqual(['ann', 'cy', 'ann']);
  });

  it('shares one read among streams that start while it is under way (a reconnect storm)', async () => {
    const store = fakeStore({ r1: ['ann', 'bob', 'cy'], r2: ['bob', 'eve'] });
    const sets = new RoomMemberSets(store);
    store.hold();
    const r1 = { id: 'r1', membersVersion: 4 };
    const answers = Promise.all([
      sets.peersOf('ann', [r1]),
      sets.peersOf('cy', [r1]),
      sets.peersOf('ann', [r1]),
      // Bob is also in r2, which no read under way covers: his own read.
      sets.peersOf('bob', [r1, { id: 'r2', membersVersion: 2 }]),
    ]);
    // Bob's read was asked for at once, and held too.
    store.release();
    expect(await answers).toEqual([
      ['bob', 'cy'],
      ['ann', 'bob'],
      ['bob', 'cy'],
      ['ann', 'cy', 'eve'],
    ]);
    expect(store.reads).toEqual(['ann', 'bob']);
  });

  it('reads every time for a room whose version tells nothing (retention deleted its notices)', async () => {
    const store = fakeStore({ r1: ['ann', 'bob'] });
    const sets = new RoomMemberSets(store);
    const r1 = { id: 'r1', membersVersion: null };
    expect(await sets.peersOf('ann', [r1])).toEqual(['bob']);
    store.rooms.set('r1', ['ann', 'bob', 'cy']);
    expect(await sets.peersOf('ann', [r1])).toEqual(['bob', 'cy']);
    expect(store.reads).toEqual(['ann', 'ann']);
    expect(sets.size).toBe(0);
  });

  it('holds at most maxIds member ids, dropping the least recently used rooms first', async () => {
    const store = fakeStore({
      r1: ['a', 'b', 'c'],
      r2: ['a', 'd', 'e'],
      r3: ['a', 'f', 'g'],
      big: ['a', 'h', 'i', 'j', 'k', 'l', 'm'],
    });
    const sets = new RoomMemberSets(store, 6);
    const room = (id: string) => ({ id, membersVersion: 1 });
    await sets.peersOf('a', [room('r1')]);
    await sets.peersOf('a', [room('r2')]);
    expect(sets.size).toBe(6);
    // r1 used again: r2 is now the least recent, and goes when r3 comes.
    await sets.peersOf('b', [room('r1')]);
    await sets.peersOf('a', [room('r3')]);
    expect(sets.size).toBe(6);
    expect(store.reads).toEqual(['a', 'a', 'a']);
    await sets.peersOf('b', [room('r1')]);
    await sets.peersOf('f', [room('r3')]);
    expect(store.reads).toEqual(['a', 'a', 'a']);
    await sets.peersOf('d', [room('r2')]);
    expect(store.reads).toEqual(['a', 'a', 'a', 'd']);
    // A room larger than the bound is read each time and never held.
    expect(await sets.peersOf('h', [room('big')])).toEqual(['a', 'i', 'j', 'k', 'l', 'm']);
    await sets.peersOf('h', [room('big')]);
    expect(store.reads).toEqual(['a', 'a', 'a', 'd', 'h', 'h']);
    expect(sets.size).toBeLessThanOrEqual(6);
  });

  it('fails the stream whose read failed; a stream that waited on it reads again', async () => {
    const store = fakeStore({ r1: ['ann', 'bob'] });
    const sets = new RoomMemberSets(store);
    const r1 = { id: 'r1', membersVersion: 5 };
    store.hold();
    store.failNextRead();
    const first = sets.peersOf('ann', [r1]);
    const second = sets.peersOf('bob', [r1]);
    store.release();
    await expect(first).rejects.toThrow('store down');
    // Bob's own read, asked for once the shared one failed (no longer held).
    expect(await second).toEqual(['ann']);
    expect(store.reads).toEqual(['ann', 'bob']);
  });
});
