import type { SearchPage } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import type { SearchStore } from '../ports/search-store.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import type { Rooms } from './rooms.js';
import { createSearch } from './search.js';

/** A store whose searches answer only when the test says, to hold them running. */
function heldSearches() {
  const held: Array<(page: SearchPage) => void> = [];
  const searchMessages: SearchStore['searchMessages'] = () =>
    new Promise<SearchPage>((resolve) => held.push(resolve));
  return {
    // Only searchMessages is reached: no room filter is given, so no room is looked up.
    store: { searchMessages } as Pick<Store, 'searchMessages'> as Store,
    answerAll: () => {
      for (const answer of held.splice(0)) answer({ hits: [], hasMore: false });
    },
  };
}

const rooms = {} as Rooms;
const who = (id: string): Authenticated => ({
  user: { id, username: id, displayName: id, createdAt: 0 },
  session: {
    id: `s-${id}`,
    userId: id,
    tokenHash: 'x',
    deviceLabel: 'test',
    createdAt: 0,
    lastSeenAt: 0,
    revokedAt: null,
  },
});
const input = { query: 'plum', limit: 20 };
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: { appCode?: string; retryAfterMs?: number }) =>
      `${error.appCode} ${error.retryAfterMs}`,
  );

describe('a search the store finds too broad', () => {
  it('is refused with SEARCH_TOO_BROAD, saying which bound it passed', async () => {
    const answers = [
      { tooBroad: 'entries' as const, bound: 50_000 },
      { tooBroad: 'ms' as const, bound: 1_500 },
    ];
    const store = {
      searchMessages: async () => answers.shift() ?? { hits: [], hasMore: false },
    } as Pick<Store, 'searchMessages'> as Store;
    const search = createSearch({ store, rooms });
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: { appCode?: string; message?: string }) => `${error.appCode}: ${error.message}`,
      );
    expect(await refusal(search.messages(who('ann'), input))).toBe(
      'SEARCH_TOO_BROAD: This search would look through more than 50000 messages; add a word to narrow it',
    );
    expect(await refusal(search.messages(who('ann'), input))).toBe(
      'SEARCH_TOO_BROAD: This search took longer than 1500 ms; add a word to narrow it',
    );
  });
});

// The caps on searches running at once: past them a search is refused with RATE_LIMITED at once
// (never queued), and a finished search frees its place.
describe('search concurrency', () => {
  it('refuses a user past their share, and everyone past the total, until searches finish', async () => {
    const { store, answerAll } = heldSearches();
    const search = createSearch({
      store,
      rooms,
      concurrency: { concurrent: 3, concurrentPerUser: 2 },
    });
    const [ann, ben, cy] = [who('ann'), who('ben'), who('cy')];

    const running = [search.messages(ann, input), search.messages(ann, input)];
    expect(await codeOf(search.messages(ann, input))).toBe('RATE_LIMITED 1000');
    running.push(search.messages(ben, input));
    expect(await codeOf(search.messages(cy, input))).toBe('RATE_LIMITED 1000');

    answerAll();
    expect(await Promise.all(running.map(codeOf))).toEqual(['answered', 'answered', 'answered']);
    const again = [
      search.messages(ann, input),
      search.messages(ann, input),
      search.messages(cy, input),
    ];
    answerAll();
    expect(await Promise.all(again.map(codeOf))).toEqual(['answered', 'answered', 'answered']);
  });

  it('frees the place of a search that failed', async () => {
    const failing = {
      searchMessages: () => Promise.reject(new Error('database gone')),
    } as Pick<Store, 'searchMessages'> as Store;
    const search = createSearch({
      store: failing,
      rooms,
      concurrency: { concurrent: 1, concurrentPerUser: 1 },
    });
    await expect(search.messages(who('ann'), input)).rejects.toThrow('database gone');
    await expect(search.messages(who('ann'), input)).rejects.toThrow('database gone');
  });
});
