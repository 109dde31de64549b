import type { StreamEvent } from '@confab/contracts';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import { openStore } from '../__tests__/store.js';
import { createStoreFromUrl } from '../adapters/kysely/store.js';
import { createMemoryBus } from '../adapters/memory-bus.js';
import type { SessionRecord, Store } from '../ports/store.js';
import { newId } from './crypto.js';
import { DEFAULT_STREAM_LIMITS, DeviceSession } from './device-session.js';
import { createRetention, type RetentionReport, startRetentionJob } from './retention.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_800_000_000_000;

describe.each(ENGINES)('message retention on $name', ({ name, create }) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    ({ db, store } = await openStore(create));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  async function user(name: string) {
    const id = newId();
    const username = `${name}_${id.slice(0, 6).toLowerCase()}`;
    await store.createUser({
      id,
      username,
      displayName: name,
      createdAt: NOW - 400 * DAY,
      passwordHash: 'x',
    });
    return { id, username, displayName: name, createdAt: NOW - 400 * DAY };
  }

  /**
   * A room made 100 days ago by `owner` (seq 1), then one message per entry of `ages` (days
   * before NOW, oldest first): message i has seq i + 2.
   */
  async function roomWith(ownerId: string, ages: number[]) {
    const roomId = newId();
    await store.createRoom(
      { id: roomId, kind: 'private', name: 'r', topic: '', createdAt: NOW - 100 * DAY },
      [{ userId: ownerId, role: 'owner' }],
    );
    const seqs: number[] = [];
    for (const [i, age] of ages.entries()) {
      const sent = await store.appendMessage({
        id: newId(),
        roomId,
        authorId: ownerId,
        clientMsgId: `${roomId}-${i}`,
        body: `message ${i}`,
        at: NOW - age * DAY,
      });
      if (sent.status !== 'created') throw new Error('not sent');
      seqs.push(sent.message.seq);
    }
    return { roomId, seqs };
  }

  const logSeqs = async (roomId: string) =>
    (await store.eventsAfter(roomId, 0, 1000)).events.map((e) => e.seq);

  it('cuts the log up to the newest message older than the retention; seqs never change; history says where it begins', async () => {
    const ann = await user('ann');
    // seq 1: ann joined; seqs 2..7: messages 50, 40, 31, 29, 10 and 1 days old.
    const { roomId } = await roomWith(ann.id, [50, 40, 31, 29, 10, 1]);
    expect(await store.setRoomRetention(roomId, 30)).toBe(true);
    const retention = createRetention(store, { batchRows: 2 });

    expect(await retention.applyRetention(NOW)).toEqual({ rooms: 1, events: 4, messages: 3 });
    expect(await logSeqs(roomId)).toEqual([5, 6, 7]);
    expect(await store.historyStart(roomId)).toBe(5);
    expect(await store.roomRetention(roomId)).toEqual({ retentionDays: 30, startSeq: 5 });
    const page = await store.history(roomId, { limit: 50 });
    expect(page.messages.map((m) => [m.seq, m.body])).toEqual([
      [5, 'message 3'],
      [6, 'message 4'],
      [7, 'message 5'],
    ]);
    expect(page.hasMore).toBe(false);
    // The rows are gone from the store, not hidden: the author's own messages lack them too.
    const mine = await store.messagesBy(ann.id, { after: undefined, limit: 100 });
    expect(mine.filter((m) => m.roomId === roomId).map((m) => m.seq)).toEqual([5, 6, 7]);
    // A second run finds nothing to do; the next append still takes the next seq.
    expect(await retention.applyRetention(NOW)).toEqual({ rooms: 0, events: 0, messages: 0 });
    const next = await store.appendMessage({
      id: newId(),
      roomId,
      authorId: ann.id,
      clientMsgId: `${roomId}-next`,
      body: 'next',
      at: NOW,
    });
    expect(next.status === 'created' && next.message.seq).toBe(8);
    // A day later the 29-day-old message is 30 days old (not older): kept; two days later gone.
    await retention.applyRetention(NOW + DAY);
    expect(await logSeqs(roomId)).toEqual([5, 6, 7, 8]);
    expect(await retention.applyRetention(NOW + 2 * DAY)).toEqual({
      rooms: 1,
      events: 1,
      messages: 1,
    });
    expect(await logSeqs(roomId)).toEqual([6, 7, 8]);
  });

  it('never deletes a message younger than the retention, even when a later seq carries an older time', async () => {
    const ann = await user('ann');
    // Nodes whose clocks disagree: seq 3 was stored 10 days ago, seq 4 (after it) says 40.
    // seqs 2..5: messages 50, 10, 40 and 1 days old.
    const { roomId } = await roomWith(ann.id, [50, 10, 40, 1]);
    expect(await store.setRoomRetention(roomId, 30)).toBe(true);
    const retention = createRetention(store, { batchRows: 1000 });
    // The cut stops before the 10-day-old message: the join (seq 1) and seq 2 go.
    expect(await retention.applyRetention(NOW)).toEqual({ rooms: 1, events: 2, messages: 1 });
    expect(await logSeqs(roomId)).toEqual([3, 4, 5]);
    // Once it is older than the retention, the 40-day-old one behind it goes with it (the
    // report would count other tests' rooms too, as they age).
    await retention.applyRetention(NOW + 21 * DAY);
    expect(await logSeqs(roomId)).toEqual([5]);
  });

  it('steps over entries that are not messages in windows of batchRows seqs', async () => {
    const ann = await user('ann');
    const { roomId } = await roomWith(ann.id, []);
    // seqs 2..6: five people join (entries with no message), then seqs 7..9: messages 60, 45
    // and 2 days old, then seq 10: a sixth joins (after the last old message: kept).
    const joined = async () => {
      const other = await user('joiner');
      const event = await store.addMember(roomId, {
        userId: other.id,
        role: 'member',
        via: 'join',
        actorId: other.id,
        at: NOW - 70 * DAY,
      });
      if (event === 'already-member') throw new Error('already a member');
    };
    for (let i = 0; i < 5; i++) await joined();
    for (const [i, age] of [60, 45, 2].entries()) {
      const sent = await store.appendMessage({
        id: newId(),
        roomId,
        authorId: ann.id,
        clientMsgId: `${roomId}-${i}`,
        body: `message ${i}`,
        at: NOW - age * DAY,
      });
      expect(sent.status === 'created' && sent.message.seq).toBe(7 + i);
    }
    await joined();
    expect(await store.setRoomRetention(roomId, 30)).toBe(true);
    // Windows of 3 seqs: [1..3] and [4..6] hold no message, and the message after each is old;
    // [7..9] ends with the 2-day-old message, so the cut is seq 8.
    const retention = createRetention(store, { batchRows: 3 });
    expect(await retention.applyRetention(NOW)).toEqual({ rooms: 1, events: 8, messages: 2 });
    expect(await logSeqs(roomId)).toEqual([9, 10]);
    expect(await store.historyStart(roomId)).toBe(9);
  });

  /** Rows of `table` that belong to `messageIds`, counted in the database itself. */
  async function rowsOf(table: 'reactions' | 'mentions', messageIds: string[]): Promise<number> {
    const marks = messageIds.map((_, i) => (name === 'postgres' ? `$${i + 1}` : '?')).join(', ');
    const query = `select count(*) as n from ${table} where message_id in (${marks})`;
    if (name === 'postgres') {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        return Number((await client.query<{ n: string }>(query, messageIds)).rows[0]?.n);
      } finally {
        await client.end();
      }
    }
    const sqlite = new Sqlite(db.url, { readonly: true });
    try {
      return Number((sqlite.prepare(query).get(...messageIds) as { n: number }).n);
    } finally {
      sqlite.close();
    }
  }

  it("takes a cut message's reactions and mentions with it, and leaves those of kept ones", async () => {
    const ann = await user('ann');
    const bob = await user('bob');
    const roomId = newId();
    await store.createRoom(
      { id: roomId, kind: 'private', name: 'r', topic: '', createdAt: NOW - 100 * DAY },
      [
        { userId: ann.id, role: 'owner' },
        { userId: bob.id, role: 'member' },
      ],
    );
    const ids: string[] = [];
    for (const [i, age] of [40, 1].entries()) {
      const sent = await store.appendMessage({
        id: newId(),
        roomId,
        authorId: ann.id,
        clientMsgId: `${roomId}-${i}`,
        body: `@${bob.username} look`,
        at: NOW - age * DAY,
        mentions: [bob.id],
      });
      if (sent.status !== 'created') throw new Error('not sent');
      ids.push(sent.message.id);
      const reacted = await store.react({
        roomId,
        messageId: sent.message.id,
        userId: bob.id,
        emoji: '👍',
        on: true,
        at: NOW - age * DAY,
      });
      expect(reacted.status).toBe('changed');
    }
    const [old = '', kept = ''] = ids;
    expect([await rowsOf('reactions', ids), await rowsOf('mentions', ids)]).toEqual([2, 2]);
    await store.setRoomRetention(roomId, 30);
    await createRetention(store).applyRetention(NOW);
    expect([await rowsOf('reactions', [old]), await rowsOf('mentions', [old])]).toEqual([0, 0]);
    expect([await rowsOf('reactions', [kept]), await rowsOf('mentions', [kept])]).toEqual([1, 1]);
  });

  it('a room setting overrides the server default either way; rooms without either keep everything', async () => {
    const bo = await user('bo');
    const short = await roomWith(bo.id, [40, 5, 2]);
    const long = await roomWith(bo.id, [40, 5, 2]);
    const plain = await roomWith(bo.id, [40, 5, 2]);
    await store.setRoomRetention(short.roomId, 3);
    await store.setRoomRetention(long.roomId, 60);
    const withDefault = createRetention(store, { defaultDays: 30 });
    await withDefault.applyRetention(NOW);
    expect(await logSeqs(short.roomId)).toEqual([4]);
    expect(await logSeqs(long.roomId)).toEqual([1, 2, 3, 4]);
    expect(await logSeqs(plain.roomId)).toEqual([3, 4]);
    // Without a default only rooms with their own setting are touched.
    const other = await roomWith(bo.id, [400]);
    await createRetention(store).applyRetention(NOW);
    expect(await logSeqs(other.roomId)).toEqual([1, 2]);
    // Unset again: the room follows the default.
    await store.setRoomRetention(long.roomId, null);
    await withDefault.applyRetention(NOW);
    expect(await logSeqs(long.roomId)).toEqual([3, 4]);
  });

  it('runs from several nodes at once delete each row exactly once', async () => {
    const cy = await user('cy');
    const ages = Array.from({ length: 120 }, (_, i) => 200 - i); // 200..81 days old
    const rooms = await Promise.all([roomWith(cy.id, [...ages, 1]), roomWith(cy.id, [...ages, 1])]);
    for (const room of rooms) await store.setRoomRetention(room.roomId, 30);
    // PostgreSQL: three more stores on the database, separate pools as separate nodes have.
    // SQLite serves one process (better-sqlite3 waits for a lock synchronously, so stores in
    // one process cannot share a file): four runs at once on its one connection.
    const others =
      store.dialect === 'postgres'
        ? await Promise.all([1, 2, 3].map(() => createStoreFromUrl(db.url)))
        : [];
    const nodes = others.length > 0 ? [store, ...others] : [store, store, store, store];
    try {
      const reports = await Promise.all(
        nodes.map((node) => createRetention(node, { batchRows: 7 }).applyRetention(NOW)),
      );
      const total = (key: 'events' | 'messages') => reports.reduce((n, r) => n + r[key], 0);
      // Per room: the join (seq 1) and 120 old messages (seqs 2..121) go; seq 122 stays.
      expect(total('events')).toBe(2 * 121);
      expect(total('messages')).toBe(2 * 120);
      for (const room of rooms) {
        expect(await logSeqs(room.roomId)).toEqual([122]);
        expect(await store.historyStart(room.roomId)).toBe(122);
      }
    } finally {
      await Promise.all(others.map((node) => node.close()));
    }
  });

  it('the background job runs at once and then on its interval, and stops', async () => {
    const ed = await user('ed');
    const { roomId } = await roomWith(ed.id, [10, 1]);
    await store.setRoomRetention(roomId, 5);
    const reports: RetentionReport[] = [];
    let heard: () => void = () => {};
    const ran = () => new Promise<void>((resolve) => (heard = resolve));
    let clock = NOW;
    const first = ran();
    const job = startRetentionJob(createRetention(store), {
      intervalMs: 1_000,
      now: () => clock,
      onRun: (report) => {
        reports.push(report);
        heard();
      },
    });
    await first;
    expect(await logSeqs(roomId)).toEqual([3]);
    // The next run sees a later clock: the remaining message is now old enough.
    clock = NOW + 5 * DAY;
    await ran();
    await job.stop();
    expect(await logSeqs(roomId)).toEqual([]);
    // Each run deleted something here (other tests' rooms share the database, so at least).
    expect(reports.length).toBeGreaterThanOrEqual(2);
    for (const report of reports.slice(0, 2)) expect(report.messages).toBeGreaterThanOrEqual(1);
  });

  describe('a device resuming from before the cut', () => {
    /** Runs a device session from `cursors` until its sync point; what it delivered, in order. */
    async function resume(
      userId: string,
      username: string,
      cursors: Record<string, number>,
    ): Promise<StreamEvent[]> {
      const bus = createMemoryBus();
      const session: SessionRecord = {
        id: newId(),
        userId,
        tokenHash: newId(),
        deviceLabel: 'phone',
        createdAt: NOW,
        lastSeenAt: NOW,
        revokedAt: null,
      };
      const events: StreamEvent[] = [];
      try {
        await new Promise<void>((resolve, reject) => {
          new DeviceSession(
            { store, bus },
            { user: { id: userId, username, displayName: username, createdAt: NOW }, session },
            { cursors, resume: true, limits: DEFAULT_STREAM_LIMITS, needsHeartbeat: false },
            {
              deliver(event) {
                events.push(event);
                if (event.type === 'sync') resolve();
              },
              fail: reject,
              bufferedBytes: () => 0,
              cutOff: () => reject(new Error('cut off')),
            },
          );
        });
      } finally {
        await bus.close();
      }
      return events;
    }

    const shape = (events: StreamEvent[]) =>
      events.map((e) =>
        e.type === 'history.truncated'
          ? `truncated<${e.beforeSeq}`
          : e.type === 'sync'
            ? `sync ${JSON.stringify(e.cursors)}`
            : 'seq' in e
              ? `${e.seq}`
              : e.type,
      );

    it('is told history before the start is gone, then gets the retained events in order', async () => {
      const di = await user('di');
      // seq 1 join, seqs 2..9 messages (60..53 days old), seqs 10..13 messages 3..0 days old.
      const { roomId } = await roomWith(di.id, [60, 59, 58, 57, 56, 55, 54, 53, 3, 2, 1, 0]);
      await store.setRoomRetention(roomId, 30);
      await createRetention(store, { batchRows: 3 }).applyRetention(NOW);
      expect(await store.historyStart(roomId)).toBe(10);

      const behind = await resume(di.id, di.username, { [roomId]: 4 });
      expect(shape(behind)).toEqual([
        'truncated<10',
        '10',
        '11',
        '12',
        '13',
        `sync {"${roomId}":13}`,
      ]);
      // A device that had everything before the start: no notice, no gap.
      expect(shape(await resume(di.id, di.username, { [roomId]: 9 }))).toEqual([
        '10',
        '11',
        '12',
        '13',
        `sync {"${roomId}":13}`,
      ]);
      // Joined while away (no cursor): it starts at its join, which is gone, so it is told too.
      expect(shape(await resume(di.id, di.username, {}))).toEqual([
        'truncated<10',
        '10',
        '11',
        '12',
        '13',
        `sync {"${roomId}":13}`,
      ]);
      // The whole log cut: the device is still told where history begins.
      await createRetention(store, { defaultDays: null }).applyRetention(NOW + 40 * DAY);
      expect(await logSeqs(roomId)).toEqual([]);
      expect(shape(await resume(di.id, di.username, { [roomId]: 11 }))).toEqual([
        'truncated<14',
        `sync {"${roomId}":13}`,
      ]);
    });
  });
});
