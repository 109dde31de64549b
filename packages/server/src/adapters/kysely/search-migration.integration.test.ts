import { describe, expect, it } from 'vitest';
import { bareKysely, writeRoomOfUsers } from '../../__tests__/bare-kysely.js';
import { ENGINES } from '../../__tests__/databases.js';
import { searchPage, storesClosedAfterEach } from '../../__tests__/store.js';
import { migrateTo } from './migrations.js';

// Migration 0010 indexes the messages stored before it: a database that ran up to 0009 and
// holds messages finds them once the store migrates it.
describe.each(ENGINES)('search migration on $name', ({ name, create }) => {
  const openStore = storesClosedAfterEach();

  it('indexes the messages already stored; deleted ones stay out', async () => {
    const { store } = await openStore(create, {}, async (db) => {
      const kysely = bareKysely(name, db.url);
      try {
        await olderDatabase(kysely);
      } finally {
        await kysely.destroy();
      }
    });
    const page = await searchPage(store, 'u1', { terms: ['platypus'], limit: 10 });
    expect(page.hits.map((h) => [h.message.id, h.message.body])).toEqual([
      ['m2', 'an archived platypus'],
    ]);
    expect(
      (await searchPage(store, 'u1', { terms: ['archived', 'plat'], limit: 10 })).hits,
    ).toHaveLength(1);
  });
});

/** A database migrated up to 0009, holding a message and a deleted one. */
async function olderDatabase(kysely: ReturnType<typeof bareKysely>): Promise<void> {
  await migrateTo(kysely, '0009_reactions_pins');
  const at = 1_700_000_000_000;
  await writeRoomOfUsers(kysely, ['u1'], at);
  const message = (id: string, seq: number, body: string, deleted: number | null) => ({
    id,
    room_id: 'r1',
    seq,
    author_id: 'u1',
    client_msg_id: id,
    body,
    created_at: at + seq,
    edited_at: null,
    deleted_at: deleted,
  });
  await kysely
    .insertInto('messages')
    .values([message('m2', 2, 'an archived platypus', null), message('m3', 3, '', at + 10)])
    .execute();
}
