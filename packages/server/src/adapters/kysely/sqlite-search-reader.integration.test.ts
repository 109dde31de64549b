import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { bareKysely } from '../../__tests__/bare-kysely.js';
import { sqliteDatabase } from '../../__tests__/databases.js';
import {
  createStoreUser,
  searchPage,
  storesClosedAfterEach,
  testClock,
} from '../../__tests__/store.js';
import { fallbackLogger } from '../../observability/logger.js';
import { createSearchReader } from './sqlite-search-reader.js';

// SQLite's searches run on a worker thread's connection, never on the main one (whose
// synchronous reads would hold the event loop, and every delivery with it).
describe('the SQLite search reader', () => {
  const openStore = storesClosedAfterEach();

  it('runs a search off the main connection, and sees what was committed before it', async () => {
    const heard: string[] = [];
    const { store } = await openStore(async () => sqliteDatabase(), {
      onQuery: (text) => heard.push(text),
    });
    const clock = testClock();
    const ann = await createStoreUser(store, clock, 'ann');
    const { room } = await store.createRoom(
      { id: 'r1', kind: 'public', name: 'r', topic: '', createdAt: clock.tick() },
      [{ userId: ann, role: 'owner' }],
    );
    const sent = await store.appendMessage({
      id: 'm1',
      roomId: room.id,
      authorId: ann,
      clientMsgId: 'c1',
      body: 'quince jam',
      at: clock.tick(),
    });
    heard.length = 0;
    const page = await searchPage(store, ann, { terms: ['quince'], limit: 20, beforeId: 'm9' });
    expect(page.hits.map((h) => h.message)).toEqual([
      sent.status === 'created' ? sent.message : undefined,
    ]);
    expect(heard).toEqual([]);
  });

  it('answers a failed query with its error, keeps working, and refuses once closed', async () => {
    const db = sqliteDatabase();
    const kysely = bareKysely('sqlite', db.url);
    await sql`create table t (n integer)`.execute(kysely);
    await sql`insert into t values (1), (2)`.execute(kysely);
    const reader = createSearchReader(db.url, () => fallbackLogger);
    try {
      await expect(reader.all(sql`select * from missing`.compile(kysely))).rejects.toThrow(
        'SQLite search: no such table: missing',
      );
      expect(
        await reader.all(sql<{ n: number }>`select n from t order by n`.compile(kysely)),
      ).toEqual([{ n: 1 }, { n: 2 }]);
      // It reads only: a statement that writes is refused, and nothing is written.
      await expect(
        reader.all(sql`insert into t values (3) returning n`.compile(kysely)),
      ).rejects.toThrow('SQLite search: attempt to write a readonly database');
      expect(await reader.all(sql`select count(*) as c from t`.compile(kysely))).toEqual([
        { c: 2 },
      ]);
    } finally {
      await reader.close();
      await kysely.destroy();
    }
    await expect(reader.all(sql`select 1`.compile(kysely))).rejects.toThrow('The store is closed');
    await db.drop();
  });

  it('ends its worker after idleStopMs without a search, and starts another at the next', async () => {
    const db = sqliteDatabase();
    const kysely = bareKysely('sqlite', db.url);
    await sql`create table t (n integer)`.execute(kysely);
    const events: string[] = [];
    let exited: () => void = () => {};
    const reader = createSearchReader(db.url, () => fallbackLogger, {
      idleStopMs: 50,
      onWorker: (event) => {
        events.push(event);
        if (event === 'exited') exited();
      },
    });
    try {
      const ended = new Promise<void>((resolve) => {
        exited = resolve;
      });
      expect(await reader.all(sql`select count(*) as c from t`.compile(kysely))).toEqual([
        { c: 0 },
      ]);
      await ended;
      expect(events).toEqual(['started', 'exited']);
      expect(await reader.all(sql`select count(*) as c from t`.compile(kysely))).toEqual([
        { c: 0 },
      ]);
      expect(events).toEqual(['started', 'exited', 'started']);
    } finally {
      await reader.close();
      await kysely.destroy();
    }
    expect(events).toEqual(['started', 'exited', 'started', 'exited']);
    await db.drop();
  });
});
