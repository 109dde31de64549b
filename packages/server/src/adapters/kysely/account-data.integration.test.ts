import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { createStoreUser, openStore, testClock } from '../../__tests__/store.js';
import type { Store } from '../../ports/store.js';

/** Each index on `messages` as its columns, from the engine's own catalogue. */
async function messagesIndexes(engine: string, url: string): Promise<string[][]> {
  if (engine === 'sqlite') {
    const db = new BetterSqlite3(url, { readonly: true });
    try {
      const indexes = db.pragma('index_list(messages)') as { name: string }[];
      return indexes.map((index) =>
        (db.pragma(`index_info(${JSON.stringify(index.name)})`) as { name: string | null }[]).map(
          (c) => c.name ?? '(expression)',
        ),
      );
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ columns: string[] }>(
      `select array_agg(coalesce(a.attname::text, '(expression)') order by k.n) as columns
       from pg_index i
       cross join lateral unnest(i.indkey) with ordinality as k(attnum, n)
       left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
       where i.indrelid = 'messages'::regclass
       group by i.indexrelid`,
    );
    return rows.map((r) => r.columns);
  } finally {
    await client.end();
  }
}

// The data export's read of a user's messages (messagesBy), on both engines: pages through the
// idempotency index (clientMsgId, then author), so messages carries no index led by the author:
// each would cost every group commit a page per author (migrations 0014 and 0015).
describe.each(ENGINES)('messages for the data export on $name', ({ name, create }) => {
  let db: TestDatabase;
  let store: Store;
  const { tick, nextId } = testClock();
  beforeAll(async () => {
    ({ db, store } = await openStore(create));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const user = (name: string) => createStoreUser(store, { tick, nextId }, name);

  it("pages by clientMsgId with a keyset, each message once, only the author's", async () => {
    const [ann, bob] = [await user('ann'), await user('bob')];
    const { room } = await store.createRoom(
      { id: nextId('r'), kind: 'public', name: 'export', topic: '', createdAt: tick() },
      [
        { userId: ann, role: 'owner' },
        { userId: bob, role: 'member' },
      ],
    );
    // Sent in this order: clientMsgId order is not time order.
    for (const [author, clientMsgId] of [
      [ann, 'e'],
      [ann, 'c'],
      [bob, 'b2'],
      [ann, 'a'],
      [ann, 'd'],
      [ann, 'b'],
    ] as const) {
      const sent = await store.appendMessage({
        id: nextId('m'),
        roomId: room.id,
        authorId: author,
        clientMsgId,
        body: clientMsgId,
        at: tick(),
      });
      expect(sent.status).toBe('created');
    }

    const pages: string[][] = [];
    let after: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await store.messagesBy(ann, { after, limit: 2 });
      // Each body is its clientMsgId.
      pages.push(page.map((m) => m.body));
      const last = page.at(-1);
      if (!last) break;
      after = last.clientMsgId;
    }
    expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e'], []]);
  });

  it('messages has no index led by the author; the idempotency key leads with the clientMsgId', async () => {
    const indexes = await messagesIndexes(name, db.url);
    expect(indexes.filter((columns) => columns[0] === 'author_id')).toEqual([]);
    expect(indexes.filter((columns) => columns[0] === 'client_msg_id')).toEqual([
      ['client_msg_id', 'author_id'],
    ]);
  });
});
