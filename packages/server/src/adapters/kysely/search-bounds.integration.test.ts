import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { bareKysely } from '../../__tests__/bare-kysely.js';
import { ENGINES } from '../../__tests__/databases.js';
import {
  createStoreUser,
  searchPage,
  storesClosedAfterEach,
  testClock,
} from '../../__tests__/store.js';
import { createStoreFromUrl, type StoreOptions } from './store.js';

// What one search call may cost (SearchBounds): on SQLite a number of index entries read newest
// first, on PostgreSQL a statement timeout. A word in most messages of rooms the caller is not in
// must not cost the call the whole database; past the bound with no hit, the store says the
// search is too broad (the service refuses it with SEARCH_TOO_BROAD).
describe.each(ENGINES)('search bounds on $name', ({ name, create }) => {
  const openStore = storesClosedAfterEach();

  async function open(options: StoreOptions) {
    const { db, store } = await openStore(create, options);
    const clock = testClock();
    // Zero-padded, so that ids sort by creation as the server's (time-ordered) ids do.
    let counter = 0;
    const id = (prefix: string) => `${prefix}${String(++counter).padStart(8, '0')}`;
    const room = async (owner: string) => {
      const { room } = await store.createRoom(
        { id: id('r'), kind: 'public', name: 'room', topic: '', createdAt: clock.tick() },
        [{ userId: owner, role: 'owner' }],
      );
      return room.id;
    };
    const send = async (roomId: string, authorId: string, body: string, messageId = id('m')) => {
      const result = await store.appendMessage({
        id: messageId,
        roomId,
        authorId,
        clientMsgId: id('c'),
        body,
        at: clock.tick(),
      });
      if (result.status !== 'created') throw new Error(`expected created, got ${result.status}`);
      return result.message.id;
    };
    return {
      db,
      store,
      clock,
      room,
      send,
      user: (n: string) => createStoreUser(store, clock, n),
    };
  }

  // SQLite: a number of entries read newest first.
  const sqliteCase = {
    title:
      'reads at most scanMax entries: pages through every hit once, newest first, and says too broad when a call finds none in its reach',
    async run() {
      const t = await open({ search: { scanMax: 30, scanStep: 7 } });
      const [me, other] = [await t.user('me'), await t.user('other')];
      const [mine, theirs] = [await t.room(me), await t.room(other)];
      // 12 of mine among 120 messages holding the word, one in ten: each call of 30 entries
      // reaches three of them.
      const expected: string[] = [];
      for (let i = 0; i < 120; i++) {
        const own = i % 10 === 0;
        const id = await t.send(own ? mine : theirs, own ? me : other, `pear number ${i}`);
        if (own) expected.unshift(id);
      }
      const seen: string[] = [];
      let before: string | undefined;
      for (let call = 0; call < 10; call++) {
        const page = await searchPage(t.store, me, {
          terms: ['pear'],
          limit: 20,
          beforeId: before,
        });
        seen.push(...page.hits.map((h) => h.message.id));
        if (!page.hasMore) break;
        expect(page.hits.length).toBeGreaterThan(0);
        before = page.hits[page.hits.length - 1]?.message.id;
      }
      expect(seen).toEqual(expected);

      // 40 newer messages of theirs: the newest 30 entries hold none of mine.
      for (let i = 0; i < 40; i++) await t.send(theirs, other, `pear again ${i}`);
      expect(await t.store.searchMessages(me, { terms: ['pear'], limit: 20 })).toEqual({
        tooBroad: 'entries',
        bound: 30,
      });
      // Past the bound with hits: the hits found, and more to ask for (below the last one).
      const reached = await searchPage(t.store, me, { terms: ['number'], limit: 5 });
      expect(reached.hits.map((h) => h.message.id)).toEqual(expected.slice(0, 3));
      expect(reached.hasMore).toBe(true);
      // A word whose entries all fit answers in full, hits or none.
      for (let i = 0; i < 30; i++) await t.send(theirs, other, `fig ${i}`);
      expect(await t.store.searchMessages(me, { terms: ['fig'], limit: 5 })).toEqual({
        hits: [],
        hasMore: false,
      });
      // A page that fills before the bound says so as always.
      const full = await searchPage(t.store, me, {
        terms: ['pear'],
        limit: 2,
        beforeId: expected[0],
      });
      expect(full.hits.map((h) => h.message.id)).toEqual(expected.slice(1, 3));
      expect(full.hasMore).toBe(true);

      // Ids made in the same millisecond sort at random, and SQLite's pages follow storage
      // order: a page after a hit starts at that hit's own place, so no hit is skipped or
      // repeated. Here every second message's id sorts before the one stored before it.
      const stored: string[] = [];
      for (let i = 0; i < 12; i++) {
        const swapped = `n${String(1000 + (i ^ 1)).padStart(8, '0')}`;
        stored.unshift(await t.send(mine, me, `kiwi ${i}`, swapped));
      }
      const paged: string[] = [];
      let after: string | undefined;
      for (let call = 0; call < 10; call++) {
        const page = await searchPage(t.store, me, { terms: ['kiwi'], limit: 5, beforeId: after });
        paged.push(...page.hits.map((h) => h.message.id));
        if (!page.hasMore) break;
        after = page.hits[page.hits.length - 1]?.message.id;
      }
      expect(paged).toEqual(stored);
    },
  };

  // PostgreSQL: the statement's time.
  const postgresCase = {
    title: 'cancels a search past timeoutMs (too broad), and answers it within the default',
    async run() {
      const t = await open({ search: { timeoutMs: 1 } });
      const [me, other] = [await t.user('me'), await t.user('other')];
      const [mine, theirs] = [await t.room(me), await t.room(other)];
      const own = await t.send(mine, me, 'plum mine');
      // 50,000 messages holding the word, written at once (the store's appends would take long).
      const kysely = bareKysely('postgres', t.db.url);
      try {
        await sql`insert into messages (id, room_id, seq, author_id, client_msg_id, body, created_at)
          select 'x' || lpad(i::text, 8, '0'), ${theirs}, i + 1, ${other}, 'c' || i, 'plum number ' || i, i
          from generate_series(1, 50000) as i`.execute(kysely);
        await sql`analyze messages`.execute(kysely);
      } finally {
        await kysely.destroy();
      }
      expect(await t.store.searchMessages(me, { terms: ['plum'], limit: 20 })).toEqual({
        tooBroad: 'ms',
        bound: 1,
      });
      const unbounded = await createStoreFromUrl(t.db.url);
      try {
        const page = await searchPage(unbounded, me, { terms: ['plum'], limit: 20 });
        expect(page).toMatchObject({ hasMore: false });
        expect(page.hits.map((h) => h.message.id)).toEqual([own]);
      } finally {
        await unbounded.close();
      }
    },
  };

  const engineCase = name === 'sqlite' ? sqliteCase : postgresCase;
  it(engineCase.title, () => engineCase.run(), 60_000);
});
