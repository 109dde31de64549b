import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { bareKysely, writeRoomOfUsers } from '../../__tests__/bare-kysely.js';
import { ENGINES } from '../../__tests__/databases.js';
import { searchPage, storesClosedAfterEach } from '../../__tests__/store.js';
import { migrateTo } from './migrations.js';

const AT = 1_700_000_000_000;

/** A database that ran up to 0014 (idempotency keyed by author first), with messages in it. */
async function databaseBefore(name: 'sqlite' | 'postgres', url: string): Promise<void> {
  const kysely = bareKysely(name, url);
  try {
    await migrateTo(kysely, '0014_no_author_time_index');
    await writeRoomOfUsers(kysely, ['u1', 'u2'], AT);
    const message = (
      id: string,
      seq: number,
      author: string,
      clientMsgId: string,
      body: string,
    ) => ({
      id,
      room_id: 'r1',
      seq,
      author_id: author,
      client_msg_id: clientMsgId,
      body,
      created_at: AT + seq,
      edited_at: null,
      deleted_at: null,
    });
    // One at a time, with a row removed between them (as retention removes rows): the
    // rowids have a gap, which the rebuild must keep (the full-text index is by rowid).
    for (const row of [
      message('m1', 1, 'u1', 'c1', 'a quiet platypus'),
      message('gone', 9, 'u1', 'c9', 'a removed dingo'),
      // The same clientMsgId from another author: another message.
      message('m2', 2, 'u2', 'c1', 'a loud wombat'),
      message('m3', 3, 'u1', 'c0', 'an old echidna'),
    ])
      await kysely.insertInto('messages').values(row).execute();
    await kysely.deleteFrom('messages').where('id', '=', 'gone').execute();
  } finally {
    await kysely.destroy();
  }
}

// Migration 0015 swaps the idempotency key's columns; SQLite rebuilds `messages` for it.
describe.each(ENGINES)('idempotency key migration on $name', ({ name, create }) => {
  const openStore = storesClosedAfterEach();
  const migrated = () => openStore(create, {}, (db) => databaseBefore(name, db.url));

  it('keeps every message, the idempotency of each (author, clientMsgId), search and the export', async () => {
    const { store } = await migrated();

    const send = (authorId: string, clientMsgId: string, body: string) =>
      store.appendMessage({
        id: `new-${authorId}-${clientMsgId}`,
        roomId: 'r1',
        authorId,
        clientMsgId,
        body,
        at: AT + 100,
      });
    const again1 = await send('u1', 'c1', 'retried');
    const again2 = await send('u2', 'c1', 'retried');
    const fresh = await send('u2', 'c0', 'a new numbat');
    expect(
      [again1, again2, fresh].map((r) =>
        'message' in r ? [r.status, r.message.id, r.message.seq] : [r.status],
      ),
    ).toEqual([
      ['duplicate', 'm1', 1],
      ['duplicate', 'm2', 2],
      ['created', 'new-u2-c0', 4],
    ]);

    // The full-text index still points at the rebuilt rows, and its triggers were made again.
    const search = async (term: string) =>
      (await searchPage(store, 'u1', { terms: [term], limit: 10 })).hits.map((h) => h.message.id);
    expect(await search('platypus')).toEqual(['m1']);
    expect(await search('wombat')).toEqual(['m2']);
    expect(await search('dingo')).toEqual([]);
    expect(await search('numbat')).toEqual(['new-u2-c0']);
    await store.editMessage({
      roomId: 'r1',
      messageId: 'm3',
      authorId: 'u1',
      body: 'a renamed quokka',
      at: AT + 200,
    });
    expect(await search('echidna')).toEqual([]);
    expect(await search('quokka')).toEqual(['m3']);

    // The export's page walks the new index in clientMsgId order.
    expect(
      (await store.messagesBy('u1', { after: undefined, limit: 10 })).map((m) => m.id),
    ).toEqual(['m3', 'm1']);
    expect((await store.messagesBy('u1', { after: 'c0', limit: 10 })).map((m) => m.id)).toEqual([
      'm1',
    ]);
  });

  it('keys the unique index by clientMsgId first, and it still refuses a second row', async () => {
    const { db } = await migrated();
    const kysely = bareKysely(name, db.url);
    try {
      if (name === 'postgres') {
        const { rows } = await sql<{ indexdef: string }>`
          select indexdef from pg_indexes where indexname = 'messages_idempotency'`.execute(kysely);
        expect(rows.map((r) => r.indexdef.replace(/^.*USING btree /, ''))).toEqual([
          '(client_msg_id, author_id)',
        ]);
      } else {
        const { rows } = await sql<{ name: string }>`
          select ii.name from pragma_index_list('messages') il, pragma_index_info(il.name) ii
          where il."unique" = 1 and il.origin = 'u' order by ii.seqno`.execute(kysely);
        expect(rows.map((r) => r.name)).toEqual(['client_msg_id', 'author_id']);
        const { rows: fk } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(
          kysely,
        );
        expect(fk[0]?.foreign_keys).toBe(1);
      }
      await expect(
        kysely
          .insertInto('messages')
          .values({
            id: 'm9',
            room_id: 'r1',
            seq: 9,
            author_id: 'u1',
            client_msg_id: 'c1',
            body: 'twice',
            created_at: AT,
            edited_at: null,
            deleted_at: null,
          })
          .execute(),
      ).rejects.toThrow(/unique/i);
    } finally {
      await kysely.destroy();
    }
  });
});
