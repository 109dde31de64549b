import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresDatabase, type TestDatabase } from '../../__tests__/databases.js';
import { createStoreUser, openStore, testClock } from '../../__tests__/store.js';
import type { AppendResult, Store } from '../../ports/store.js';

/**
 * PostgreSQL's group commit is one statement (append-batch-postgres.ts). What it must keep of
 * the transaction it replaced: room locks taken in id order, and all or nothing.
 */
describe('group commit on PostgreSQL, as one statement', () => {
  let db: TestDatabase;
  let store: Store;
  const clients: pg.Client[] = [];
  const clock = testClock();
  let author: string;

  beforeEach(async () => {
    ({ db, store } = await openStore(postgresDatabase));
    author = await createStoreUser(store, clock, 'ann');
    // room-b is made first, so it comes first in the table: an UPDATE that locks rows in the
    // order it reads them would take room-b before room-a.
    for (const id of ['room-b', 'room-a']) {
      await store.createRoom(
        { id, kind: 'private', name: id, topic: '', createdAt: clock.tick() },
        [{ userId: author, role: 'owner' }],
      );
    }
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.end();
    await store.close();
    await db.drop();
  });

  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    clients.push(c);
    return c;
  }

  const send = (roomId: string, clientMsgId: string): Promise<AppendResult> =>
    store.appendMessage({
      id: clock.nextId('m'),
      roomId,
      authorId: author,
      clientMsgId,
      body: clientMsgId,
      at: clock.tick(),
    });

  /**
   * Resolves once a statement of the store waits for a row lock (bounded: 10 s). PostgreSQL
   * tells no one when a backend starts waiting, so its activity view is polled.
   */
  async function waitingForLock(observer: pg.Client): Promise<void> {
    for (let i = 0; i < 1000; i += 1) {
      const { rows } = await observer.query(
        `select 1 from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'
           and query like '%json_to_recordset%'`,
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the batch never waited for a lock');
  }

  it('takes room locks in id order: waiting for the first room, it holds none after it', async () => {
    // Another transaction holds room-a; a batch naming room-b first and room-a second waits.
    const holder = await client();
    await holder.query('begin');
    await holder.query(`select id from rooms where id = 'room-a' for update`);
    const sends = Promise.all([send('room-b', 'b1'), send('room-a', 'a1'), send('room-b', 'b2')]);
    const observer = await client();
    await waitingForLock(observer);

    // Had the batch locked room-b before waiting, this would fail at once (55P03).
    const prober = await client();
    await prober.query('begin');
    await prober.query(`select id from rooms where id = 'room-b' for update nowait`);
    await prober.query('rollback');

    await holder.query('commit');
    const results = await sends;
    expect(
      results.map((r) => (r.status === 'created' ? [r.message.roomId, r.message.seq] : r)),
    ).toEqual([
      ['room-b', 2],
      ['room-a', 2],
      ['room-b', 3],
    ]);
  });

  it('writes nothing when a room of the batch is gone, and answers each send on its own', async () => {
    // The rooms' row is deleted behind the store's back (no API deletes a room with a log): the
    // batch must not write the other room's sends and then fail.
    const admin = await client();
    await admin.query(`alter table members drop constraint if exists members_room_id_fkey`);
    await admin.query(`alter table events drop constraint if exists events_room_id_fkey`);
    await admin.query(`alter table messages drop constraint if exists messages_room_id_fkey`);
    await admin.query(`delete from rooms where id = 'room-b'`);
    const settled = await Promise.allSettled([send('room-a', 'a1'), send('room-b', 'b1')]);
    expect(settled[0]).toMatchObject({ status: 'fulfilled', value: { status: 'created' } });
    expect(settled[1].status).toBe('rejected');
    const { rows } = await admin.query(`select room_id, seq from events order by room_id, seq`);
    expect(rows).toEqual([
      { room_id: 'room-a', seq: '1' },
      { room_id: 'room-a', seq: '2' },
      { room_id: 'room-b', seq: '1' },
    ]);
  });
});
