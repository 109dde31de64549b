import { afterEach, describe, expect, it } from 'vitest';
import { bareKysely } from '../../__tests__/bare-kysely.js';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { searchPage } from '../../__tests__/store.js';
import type { Store } from '../../ports/store.js';
import { migrateTo } from './migrations.js';
import { createStoreFromUrl } from './store.js';

// Migration 0010 indexes the messages stored before it: a database that ran up to 0009 and
// holds messages finds them once the store migrates it.
describe.each(ENGINES)('search migration on $name', ({ name, create }) => {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await db?.drop();
  });

  it('indexes the messages already stored; deleted ones stay out', async () => {
    db = await create();
    const kysely = bareKysely(name, db.url);
    await migrateTo(kysely, '0009_reactions_pins');
    const at = 1_700_000_000_000;
    await kysely
      .insertInto('users')
      .values({
        id: 'u1',
        username: 'ann',
        display_name: 'Ann',
        password_hash: 'x',
        created_at: at,
      })
      .execute();
    await kysely
      .insertInto('rooms')
      .values({
        id: 'r1',
        kind: 'public',
        name: 'old',
        topic: '',
        created_at: at,
        last_seq: 3,
        last_activity_at: at,
        direct_key: null,
      })
      .execute();
    await kysely
      .insertInto('members')
      .values({
        room_id: 'r1',
        user_id: 'u1',
        role: 'owner',
        joined_at: at,
        last_read_seq: 0,
        joined_seq: 1,
      })
      .execute();
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
    await kysely.destroy();

    store = await createStoreFromUrl(db.url);
    const page = await searchPage(store, 'u1', { terms: ['platypus'], limit: 10 });
    expect(page.hits.map((h) => [h.message.id, h.message.body])).toEqual([
      ['m2', 'an archived platypus'],
    ]);
    expect(
      (await searchPage(store, 'u1', { terms: ['archived', 'plat'], limit: 10 })).hits,
    ).toHaveLength(1);
  });
});
