import { describe, expect, it } from 'vitest';
import type { Store } from '../ports/store.js';
import { sharedEventsAfter } from './shared-backfill.js';

type Page = Awaited<ReturnType<Store['eventsAfter']>>;

/** A store whose reads answer when the test says, recording when each started. */
function storeOfDeferredReads() {
  const reads: { key: string; resolve: (page: Page) => void; reject: (e: Error) => void }[] = [];
  const store = {
    eventsAfter: (roomId: string, afterSeq: number, limit: number) =>
      new Promise<Page>((resolve, reject) => {
        reads.push({ key: `${roomId}/${afterSeq}/${limit}`, resolve, reject });
      }),
  } as unknown as Store;
  const page = (): Page => ({ events: [], hasMore: false });
  return { store, reads, page };
}
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('coalesced backfill reads', () => {
  it('gives the calls made while a read runs one shared read that starts after them', async () => {
    const { store, reads, page } = storeOfDeferredReads();
    const first = sharedEventsAfter(store, 'r1', 10, 50);
    expect(reads).toHaveLength(1);
    const second = sharedEventsAfter(store, 'r1', 10, 50);
    const third = sharedEventsAfter(store, 'r1', 10, 50);
    // Not the read under way: it started before these calls.
    expect(reads).toHaveLength(1);
    const one = page();
    reads[0]?.resolve(one);
    expect(await first).toBe(one);
    await tick();
    expect(reads).toHaveLength(2);
    const two = page();
    reads[1]?.resolve(two);
    expect([await second, await third]).toEqual([two, two]);
    expect(await second).toBe(await third);
    // Nothing under way any more: a new call reads at once.
    const fourth = sharedEventsAfter(store, 'r1', 10, 50);
    expect(reads).toHaveLength(3);
    reads[2]?.resolve(page());
    await fourth;
  });

  it('never shares between rooms, cursors or page sizes', () => {
    const { store, reads } = storeOfDeferredReads();
    void sharedEventsAfter(store, 'r1', 10, 50);
    void sharedEventsAfter(store, 'r2', 10, 50);
    void sharedEventsAfter(store, 'r1', 11, 50);
    void sharedEventsAfter(store, 'r1', 10, 49);
    expect(reads.map((r) => r.key)).toEqual(['r1/10/50', 'r2/10/50', 'r1/11/50', 'r1/10/49']);
  });

  it('fails the callers of a failed read only; the calls waiting for the next get a fresh one', async () => {
    const { store, reads, page } = storeOfDeferredReads();
    const failing = sharedEventsAfter(store, 'r9', 0, 50);
    const waiting = sharedEventsAfter(store, 'r9', 0, 50);
    reads[0]?.reject(new Error('database restarting'));
    await expect(failing).rejects.toThrow('database restarting');
    await tick();
    const fresh = page();
    reads[1]?.resolve(fresh);
    expect(await waiting).toBe(fresh);
  });
});
