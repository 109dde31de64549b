import type { PresenceState } from '@confab/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceSnapshots } from './presence-snapshots.js';

const state = (userId: string): PresenceState =>
  Object.freeze({ userId, status: 'online', lastSeenAt: null });

/** A `make` that counts its calls and lists `ids`. */
function maker(ids: string[]) {
  const calls = { count: 0 };
  const make = () => {
    calls.count += 1;
    return ids.map(state);
  };
  return { calls, make };
}

describe('PresenceSnapshots', () => {
  const room = ['ann', 'bob', 'cy'];

  it("reuses a user's snapshot, frozen, while the version and the member lists are the same", () => {
    const snapshots = new PresenceSnapshots();
    const { calls, make } = maker(['bob']);
    const first = snapshots.of('ann', 1, 50, [room], make);
    expect(first.map((s) => s.userId)).toEqual(['bob']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(snapshots.of('ann', 1, 50, [room], make)).toBe(first);
    expect(calls.count).toBe(1);
    // Another user, or another bound, is another snapshot.
    snapshots.of('bob', 1, 50, [room], make);
    snapshots.of('ann', 1, 10, [room], make);
    expect(calls.count).toBe(3);
  });

  it('makes it again when presence moved, or a member list is another (or unknown)', () => {
    const snapshots = new PresenceSnapshots();
    const { calls, make } = maker(['bob']);
    const first = snapshots.of('ann', 1, 50, [room], make);
    expect(snapshots.of('ann', 2, 50, [room], make)).not.toBe(first);
    expect(calls.count).toBe(2);
    // The same members in a new list (the room's set was read again): not known to be the same.
    snapshots.of('ann', 2, 50, [[...room]], make);
    expect(calls.count).toBe(3);
    snapshots.of('ann', 2, 50, [room, undefined], make);
    snapshots.of('ann', 2, 50, [room, undefined], make);
    expect(calls.count).toBe(5);
  });

  it('lets every snapshot go when presence moves, and holds at most its bound of people', () => {
    const snapshots = new PresenceSnapshots(5);
    const { calls, make } = maker(['bob', 'cy']);
    snapshots.of('ann', 1, 50, [room], make);
    snapshots.moved(1); // the same version: kept
    snapshots.of('ann', 1, 50, [room], make);
    expect(calls.count).toBe(1);
    expect(snapshots.size).toBe(2);
    snapshots.moved(2);
    expect(snapshots.size).toBe(0);
    snapshots.of('ann', 2, 50, [room], make);
    expect(calls.count).toBe(2);

    snapshots.of('bob', 2, 50, [room], make); // 4 people kept: within the bound of 5
    expect(snapshots.size).toBe(4);
    snapshots.of('cy', 2, 50, [room], make); // 6 would pass it: the others go
    expect(snapshots.size).toBe(2);
    snapshots.of('cy', 2, 50, [room], make);
    expect(calls.count).toBe(4);
    snapshots.of('ann', 2, 50, [room], make);
    expect(calls.count).toBe(5);

    // A list larger than the whole bound is handed out, never kept.
    const big = maker(['a', 'b', 'c', 'd', 'e', 'f']);
    snapshots.of('dee', 2, 50, [room], big.make);
    snapshots.of('dee', 2, 50, [room], big.make);
    expect(big.calls.count).toBe(2);
    expect(snapshots.size).toBe(0);
  });

  describe('when no stream asks for a while', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('lets the kept snapshots go one to two idle periods after the last one asked for', () => {
      vi.useFakeTimers();
      const snapshots = new PresenceSnapshots(50, 1000);
      const { calls, make } = maker(['bob', 'cy']);
      snapshots.of('ann', 1, 50, [room], make);
      // Asked for within every period: kept.
      for (let i = 0; i < 3; i++) {
        vi.advanceTimersByTime(900);
        snapshots.of('ann', 1, 50, [room], make);
      }
      expect(calls.count).toBe(1);
      vi.advanceTimersByTime(1000);
      expect(snapshots.size).toBe(2);
      vi.advanceTimersByTime(1000);
      expect(snapshots.size).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
      // Made again when asked for next, and kept as before.
      snapshots.of('ann', 1, 50, [room], make);
      snapshots.of('ann', 1, 50, [room], make);
      expect(calls.count).toBe(2);
      expect(vi.getTimerCount()).toBe(1);
    });

    it('runs no timer while nothing is kept, nor after close', () => {
      vi.useFakeTimers();
      const snapshots = new PresenceSnapshots(1, 1000);
      snapshots.of('ann', 1, 50, [room], maker(['bob', 'cy']).make); // over the bound: not kept
      expect(vi.getTimerCount()).toBe(0);
      snapshots.of('ann', 1, 50, [room], maker(['bob']).make);
      expect(vi.getTimerCount()).toBe(1);
      snapshots.moved(2);
      expect(vi.getTimerCount()).toBe(0);
      snapshots.of('ann', 2, 50, [room], maker(['bob']).make);
      snapshots.close();
      expect(snapshots.size).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
