import { LIMITS, type Message, type RoomEvent } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { createStoreUser, openStore, testClock } from '../../__tests__/store.js';
import type { Store } from '../../ports/store.js';

// Notices (joins, leaves, removals, room and role changes) come with history and context pages,
// on every engine: each in the span of exactly one of the pages a client pages through.
describe.each(ENGINES)('notices in history pages on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    ({ db, store } = await openStore(create));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const { tick, nextId } = testClock();

  const user = (name: string) => createStoreUser(store, { tick, nextId }, name);

  async function send(roomId: string, authorId: string, threadId?: string): Promise<Message> {
    const at = tick();
    const result = await store.appendMessage({
      id: nextId('m'),
      roomId,
      authorId,
      clientMsgId: nextId('c'),
      body: `body ${at}`,
      at,
      threadId,
    });
    if (result.status !== 'created') throw new Error(`expected created, got ${result.status}`);
    return result.message;
  }

  function event<T>(result: T | string): T {
    if (typeof result === 'string') throw new Error(`expected an event, got ${result}`);
    return result;
  }

  const seqs = (notices: readonly RoomEvent[] | undefined) => notices?.map((n) => n.seq);

  /**
   * A room whose log interleaves messages and every kind of notice:
   *  1 ann joined (create)   2 bob joined (invite)   3 m1   4 renamed   5 m2
   *  6 cat joined            7 bob made admin        8 m3 (edited at 9)  10 thread reply to m3
   *  11 cat removed          12 m4                   13 bob left
   */
  async function conversation() {
    const ann = await user('ann');
    const bob = await user('bob');
    const cat = await user('cat');
    const { room } = await store.createRoom(
      { id: nextId('r'), kind: 'public', name: 'room', topic: '', createdAt: tick() },
      [{ userId: ann, role: 'owner' }],
    );
    const roomId = room.id;
    await store.addMember(roomId, {
      userId: bob,
      role: 'member',
      via: 'invite',
      actorId: ann,
      at: tick(),
    });
    const m1 = await send(roomId, ann);
    await store.updateRoom(roomId, { name: 'Ops', actorId: ann, at: tick() });
    const m2 = await send(roomId, bob);
    await store.addMember(roomId, {
      userId: cat,
      role: 'member',
      via: 'join',
      actorId: cat,
      at: tick(),
    });
    await store.changeRoles(roomId, {
      roles: [{ userId: bob, role: 'admin' }],
      actorId: ann,
      at: tick(),
    });
    const m3 = await send(roomId, ann);
    await store.editMessage({
      roomId,
      messageId: m3.id,
      authorId: ann,
      body: 'edited',
      at: tick(),
    });
    await send(roomId, bob, m3.id);
    event(
      await store.removeMember(roomId, {
        userId: cat,
        actorId: ann,
        at: tick(),
        type: 'member.removed',
      }),
    );
    const m4 = await send(roomId, ann);
    event(
      await store.removeMember(roomId, {
        userId: bob,
        actorId: bob,
        at: tick(),
        type: 'member.left',
      }),
    );
    return { roomId, ann, bob, cat, m1, m2, m3, m4 };
  }

  it('the newest page carries the notices from its first message to the end of the log', async () => {
    const { roomId, ann, bob, m3, m4 } = await conversation();
    const page = await store.history(roomId, { limit: 2 });
    expect(page.messages.map((m) => m.id)).toEqual([m3.id, m4.id]);
    expect(page.hasMore).toBe(true);
    // Not the edit (9) nor the thread reply (10): only the notices, as the log stored them.
    expect(page.notices).toEqual([
      {
        type: 'member.removed',
        roomId,
        seq: 11,
        actorId: ann,
        at: expect.any(Number),
        userId: expect.any(String),
      },
      { type: 'member.left', roomId, seq: 13, actorId: bob, at: expect.any(Number), userId: bob },
    ]);
  });

  it('pages back and forward tile the log: every notice in exactly one page', async () => {
    const { roomId, m1, m2, m3 } = await conversation();
    const newest = await store.history(roomId, { limit: 2 });
    const older = await store.history(roomId, { beforeSeq: m3.seq, limit: 1 });
    expect([older.messages.map((m) => m.id), older.hasMore]).toEqual([[m2.id], true]);
    expect(seqs(older.notices)).toEqual([6, 7]);
    const oldest = await store.history(roomId, { beforeSeq: m2.seq, limit: 1 });
    expect([oldest.messages.map((m) => m.id), oldest.hasMore]).toEqual([[m1.id], false]);
    // The oldest page reaches back to the start of the log: the room's creation and first join.
    expect(seqs(oldest.notices)).toEqual([1, 2, 4]);
    expect(seqs(newest.notices)).toEqual([11, 13]);

    // Forward from the first message: up to the page's last message, then to the log's end.
    const forward = await store.history(roomId, { afterSeq: m1.seq, limit: 2 });
    expect([forward.messages.map((m) => m.seq), forward.hasMore]).toEqual([[5, 8], true]);
    expect(seqs(forward.notices)).toEqual([4, 6, 7]);
    const last = await store.history(roomId, { afterSeq: m3.seq, limit: 2 });
    expect([last.messages.map((m) => m.seq), last.hasMore]).toEqual([[12], false]);
    expect(seqs(last.notices)).toEqual([11, 13]);
  });

  it('a message link carries the notices from its first message to its last', async () => {
    const { roomId, m2, m3 } = await conversation();
    const middle = await store.context(roomId, m2.id, 1);
    expect(middle?.messages.map((m) => m.seq)).toEqual([3, 5, 8]);
    expect([middle?.hasMoreBefore, middle?.hasMoreAfter]).toEqual([false, true]);
    // From the log's start (nothing older) to the last message (newer exist).
    expect(seqs(middle?.notices)).toEqual([1, 2, 4, 6, 7]);
    const late = await store.context(roomId, m3.id, 1);
    expect(late?.messages.map((m) => m.seq)).toEqual([5, 8, 12]);
    expect([late?.hasMoreBefore, late?.hasMoreAfter]).toEqual([true, false]);
    expect(seqs(late?.notices)).toEqual([6, 7, 11, 13]);
  });

  it('a room without messages has its notices on its one page', async () => {
    const ann = await user('ann');
    const { room } = await store.createRoom(
      { id: nextId('r'), kind: 'private', name: 'quiet', topic: '', createdAt: tick() },
      [{ userId: ann, role: 'owner' }],
    );
    await store.updateRoom(room.id, { topic: 'Nothing yet', actorId: ann, at: tick() });
    const page = await store.history(room.id, { limit: 50 });
    expect([page.messages, page.hasMore, page.notices?.map((n) => n.type)]).toEqual([
      [],
      false,
      ['member.joined', 'room.updated'],
    ]);
    expect(page.notices?.[1]).toMatchObject({ topic: 'Nothing yet', name: 'quiet' });
  });

  it(`carries at most ${LIMITS.historyNoticesMax} notices, the newest of its span`, async () => {
    const ann = await user('ann');
    const { room } = await store.createRoom(
      { id: nextId('r'), kind: 'private', name: 'busy', topic: '', createdAt: tick() },
      [{ userId: ann, role: 'owner' }],
    );
    const first = await send(room.id, ann);
    const extra = 5;
    for (let i = 0; i < LIMITS.historyNoticesMax + extra; i += 1) {
      await store.updateRoom(room.id, { topic: `topic ${i}`, actorId: ann, at: tick() });
    }
    const second = await send(room.id, ann);
    const page = await store.history(room.id, { limit: 50 });
    expect(page.messages.map((m) => m.id)).toEqual([first.id, second.id]);
    expect(page.notices).toHaveLength(LIMITS.historyNoticesMax);
    // The room's creation (1) and the first topics (3 … 3 + extra) are left out.
    const expected = Array.from({ length: LIMITS.historyNoticesMax }, (_, i) => 3 + extra + i);
    expect(seqs(page.notices)).toEqual(expected);
    expect(page.notices?.at(-1)).toMatchObject({
      topic: `topic ${LIMITS.historyNoticesMax + extra - 1}`,
    });
  });

  it('names the people notices name after they left, though they never wrote', async () => {
    const { roomId, ann, bob, cat } = await conversation();
    const dan = await user('dan');
    const stranger = await user('stranger');
    await store.addMember(roomId, {
      userId: dan,
      role: 'member',
      via: 'join',
      actorId: dan,
      at: tick(),
    });
    // Cat was removed and wrote nothing; Bob wrote and left; Dan is a member; the stranger was
    // never in the room.
    const people = await store.roomPeople(roomId, [stranger, cat, bob, dan, ann, cat]);
    // Each once, in id order.
    expect(people.map((p) => [p.id, p.displayName])).toEqual(
      [
        [ann, 'ann'],
        [bob, 'bob'],
        [cat, 'cat'],
        [dan, 'dan'],
      ].sort(),
    );
    expect(await store.roomPeople(roomId, [stranger])).toEqual([]);
  });

  it('notices cut by retention are gone with the messages, as history shows', async () => {
    const { roomId, m2 } = await conversation();
    // Everything up to m2 (seq 5) goes.
    await store.truncateRoomLog(roomId, { olderThan: m2.createdAt + 1, maxRows: 1000 });
    const page = await store.history(roomId, { limit: 50 });
    expect(page.messages.map((m) => m.seq)).toEqual([8, 12]);
    expect(seqs(page.notices)).toEqual([6, 7, 11, 13]);
  });
});
