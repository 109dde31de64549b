import type { SearchPage } from '@confab/contracts';
import { afterEach } from 'vitest';
import { createStoreFromUrl, type StoreOptions } from '../adapters/kysely/store.js';
import type { MessageSearch } from '../ports/search-store.js';
import type { Store } from '../ports/store.js';
import type { TestDatabase } from './databases.js';

/**
 * For suites whose tests each open their own store: `open` makes a database with `create`,
 * runs `before` on it (a migration test writes the older schema), and opens the store on it.
 * After each test the stores it opened are closed and their databases dropped.
 */
export function storesClosedAfterEach() {
  const opened: Array<{ db: TestDatabase; store?: Store }> = [];
  afterEach(async () => {
    for (const { db, store } of opened.splice(0)) {
      await store?.close();
      await db.drop();
    }
  });
  return async (
    create: () => Promise<TestDatabase>,
    options: StoreOptions = {},
    before?: (db: TestDatabase) => Promise<void>,
  ): Promise<{ db: TestDatabase; store: Store }> => {
    const entry: { db: TestDatabase; store?: Store } = { db: await create() };
    opened.push(entry);
    await before?.(entry.db);
    const store = await createStoreFromUrl(entry.db.url, options);
    entry.store = store;
    return { db: entry.db, store };
  };
}

/** A fresh database of one engine (`ENGINES[i].create`) with the store opened on it. */
export async function openStore(
  create: () => Promise<TestDatabase>,
  options: StoreOptions = {},
): Promise<{ db: TestDatabase; store: Store }> {
  const db = await create();
  return { db, store: await createStoreFromUrl(db.url, options) };
}

/** A clock that moves only when told to, and unique ids, so timestamps and orders are exact. */
export function testClock() {
  let clock = 1_700_000_000_000;
  let counter = 0;
  return {
    /** The current time, without moving it. */
    now: () => clock,
    tick: () => {
      clock += 1000;
      return clock;
    },
    nextId: (prefix: string) => {
      counter += 1;
      return `${prefix}${counter}`;
    },
  };
}

/** A user written straight to the store (a placeholder password hash); `name_<id>` its username. */
export async function createStoreUser(
  store: Store,
  clock: Pick<ReturnType<typeof testClock>, 'tick' | 'nextId'>,
  name: string,
): Promise<string> {
  const id = clock.nextId('u');
  await store.createUser({
    id,
    username: `${name}_${id}`,
    displayName: name,
    createdAt: clock.tick(),
    passwordHash: 'x',
  });
  return id;
}

/** The store's search page, failing the test if the store found the search too broad. */
export async function searchPage(
  store: Store,
  userId: string,
  search: MessageSearch,
): Promise<SearchPage> {
  const result = await store.searchMessages(userId, search);
  if ('tooBroad' in result) throw new Error(`too broad: ${JSON.stringify(result)}`);
  return result;
}
