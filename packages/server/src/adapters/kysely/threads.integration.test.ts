import type { Message } from '@confab/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bareKysely } from '../../__tests__/bare-kysely.js';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { createStoreUser, openStore, testClock } from '../../__tests__/store.js';
import type { AppendResult, NewMessage, Store } from '../../ports/store.js';

// Replies, threads and message links, on every engine: the send checks and the thread summary
// are kept in the send's transaction, and the timeline reads leave thread-only replies out.
describe.each(ENGINES)('threads and message links on $name', ({ name, create }) => {
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

  /** A room of alice and bob (and a user who is in no room, carol), fresh for each test. */
  async function setup() {
    const alice = await user('alice');
    const bob = await user('bob');
    const { room } = await store.createRoom(
      { id: nextId('r'), kind: 'private', name: 'room', topic: '', createdAt: tick() },
      [
        { userId: alice, role: 'owner' },
        { userId: bob, role: 'member' },
      ],
    );
    return { alice, bob, roomId: room.id };
  }

  function append(
    roomId: string,
    authorId: string,
    fields: Partial<Pick<NewMessage, 'replyToId' | 'threadId' | 'alsoInRoom' | 'clientMsgId'>> = {},
  ): Promise<AppendResult> {
    const at = tick();
    return store.appendMessage({
      id: nextId('m'),
      roomId,
      authorId,
      clientMsgId: fields.clientMsgId ?? nextId('c'),
      body: `body ${at}`,
      at,
      ...fields,
    });
  }

  async function send(
    roomId: string,
    authorId: string,
    fields: Parameters<typeof append>[2] = {},
  ): Promise<Message> {
    const result = await append(roomId, authorId, fields);
    if (result.status !== 'created') throw new Error(`expected created, got ${result.status}`);
    return result.message;
  }

  async function lastSeq(roomId: string) {
    return (await store.roomById(roomId))?.lastSeq;
  }

  async function byId(roomId: string, id: string) {
    const [message] = await store.messagesByIds(roomId, [id]);
    return message;
  }

  it('stores a reply to a message of the room, and says so in the event and in history', async () => {
    const { alice, bob, roomId } = await setup();
    const original = await send(roomId, alice);
    const result = await append(roomId, bob, { replyToId: original.id });
    if (result.status !== 'created') throw new Error(result.status);
    expect(result.message.replyToId).toBe(original.id);
    expect(result.event).toMatchObject({
      type: 'message.created',
      message: { replyToId: original.id },
    });
    expect((await store.history(roomId, { limit: 10 })).messages.map((m) => m.replyToId)).toEqual([
      undefined,
      original.id,
    ]);
  });

  it('refuses a reply to a message of another room or to none, and writes nothing', async () => {
    const { alice, roomId } = await setup();
    const other = await setup();
    const elsewhere = await send(other.roomId, other.alice);
    const before = await lastSeq(roomId);
    expect(await append(roomId, alice, { replyToId: elsewhere.id, clientMsgId: 'r1' })).toEqual({
      status: 'reply-not-found',
    });
    expect(
      await append(roomId, alice, { replyToId: 'no-such-message', clientMsgId: 'r1' }),
    ).toEqual({ status: 'reply-not-found' });
    expect(await lastSeq(roomId)).toBe(before);
    // The refused clientMsgId was not stored: it posts when sent again as a plain message.
    expect((await append(roomId, alice, { clientMsgId: 'r1' })).status).toBe('created');
  });

  it('refuses a thread on a message of another room, on a thread reply and on a deleted message', async () => {
    const { alice, bob, roomId } = await setup();
    const other = await setup();
    const elsewhere = await send(other.roomId, other.alice);
    const root = await send(roomId, alice);
    const reply = await send(roomId, bob, { threadId: root.id });
    const echoed = await send(roomId, bob, { threadId: root.id, alsoInRoom: true });
    const gone = await send(roomId, alice);
    await store.deleteMessage({ roomId, messageId: gone.id, authorId: alice, at: tick() });
    const before = await lastSeq(roomId);

    expect(await append(roomId, bob, { threadId: elsewhere.id })).toEqual({
      status: 'thread-not-found',
    });
    expect(await append(roomId, bob, { threadId: 'no-such-message' })).toEqual({
      status: 'thread-not-found',
    });
    // Threads do not nest, also-in-room replies included.
    expect(await append(roomId, bob, { threadId: reply.id })).toEqual({
      status: 'thread-is-reply',
    });
    expect(await append(roomId, bob, { threadId: echoed.id })).toEqual({
      status: 'thread-is-reply',
    });
    expect(await append(roomId, bob, { threadId: gone.id })).toEqual({ status: 'thread-deleted' });
    // A thread checks its reply-to too; the refused reply did not count on the root.
    expect(await append(roomId, bob, { threadId: root.id, replyToId: elsewhere.id })).toEqual({
      status: 'reply-not-found',
    });
    expect(await lastSeq(roomId)).toBe(before);
    expect((await byId(roomId, root.id))?.thread).toEqual({
      replyCount: 2,
      lastReplyAt: echoed.createdAt,
      lastReplyAuthorId: bob,
    });
  });

  it('keeps the thread summary right under concurrent replies', async () => {
    const { alice, bob, roomId } = await setup();
    const root = await send(roomId, alice);
    const replies = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        send(roomId, i % 2 ? alice : bob, { threadId: root.id }),
      ),
    );
    const newest = replies.reduce((a, b) => (b.seq > a.seq ? b : a));
    expect((await byId(roomId, root.id))?.thread).toEqual({
      replyCount: 24,
      lastReplyAt: newest.createdAt,
      lastReplyAuthorId: newest.authorId,
    });
    // Every reply got its own seq: no two collided in the log.
    expect(new Set(replies.map((r) => r.seq)).size).toBe(24);
  });

  it('leaves thread-only replies out of history and unread counts, but keeps them in the log', async () => {
    const { alice, bob, roomId } = await setup();
    const root = await send(roomId, alice);
    const hidden = await send(roomId, alice, { threadId: root.id });
    const shown = await send(roomId, alice, { threadId: root.id, alsoInRoom: true });
    const hiddenToo = await send(roomId, alice, { threadId: root.id });

    const history = await store.history(roomId, { limit: 10 });
    expect(history.messages.map((m) => m.id)).toEqual([root.id, shown.id]);
    expect(history.messages[1]).toMatchObject({ threadId: root.id, alsoInRoom: true });
    expect(history.messages[0]?.thread).toEqual({
      replyCount: 3,
      lastReplyAt: hiddenToo.createdAt,
      lastReplyAuthorId: alice,
    });

    // Bob has read nothing: the root and the also-in-room reply are unread, not the others.
    expect(await store.unreadCount(roomId, bob)).toBe(2);
    const summary = (await store.roomsOf(bob)).find((s) => s.room.id === roomId);
    expect(summary?.unreadCount).toBe(2);
    // The room list's last message is the timeline's newest, not the thread-only reply.
    expect(summary?.lastMessage?.id).toBe(shown.id);

    const created = (await store.eventsAfter(roomId, 0, 100)).events.flatMap((e) =>
      e.type === 'message.created' ? [e.message.id] : [],
    );
    expect(created).toEqual([root.id, hidden.id, shown.id, hiddenToo.id]);
  });

  it('pages a thread backwards, oldest first, with the root', async () => {
    const { alice, bob, roomId } = await setup();
    const root = await send(roomId, alice);
    const replies: Message[] = [];
    for (let i = 0; i < 5; i++) {
      replies.push(
        await send(roomId, i % 2 ? alice : bob, { threadId: root.id, alsoInRoom: i === 2 }),
      );
      await send(roomId, alice); // the timeline moves on between replies
    }
    const newest = await store.thread(roomId, root.id, { limit: 3 });
    if (typeof newest === 'string') throw new Error(newest);
    expect(newest.root.id).toBe(root.id);
    expect(newest.root.thread?.replyCount).toBe(5);
    expect(newest.replies.map((m) => m.id)).toEqual(replies.slice(2).map((m) => m.id));
    expect(newest.hasMore).toBe(true);
    const older = await store.thread(roomId, root.id, {
      beforeSeq: newest.replies[0]?.seq,
      limit: 3,
    });
    if (typeof older === 'string') throw new Error(older);
    expect(older.replies.map((m) => m.id)).toEqual(replies.slice(0, 2).map((m) => m.id));
    expect(older.hasMore).toBe(false);

    // A message without replies is a thread with none; a reply has none; another room's is unknown.
    const plain = await send(roomId, bob);
    expect(await store.thread(roomId, plain.id, { limit: 3 })).toMatchObject({
      root: { id: plain.id },
      replies: [],
      hasMore: false,
    });
    expect(await store.thread(roomId, replies[0]?.id ?? '', { limit: 3 })).toBe('is-reply');
    const other = await setup();
    expect(await store.thread(other.roomId, root.id, { limit: 3 })).toBe('not-found');
  });

  it('pages history forward after a seq, oldest first', async () => {
    const { alice, roomId } = await setup();
    const messages: Message[] = [];
    for (let i = 0; i < 10; i++) messages.push(await send(roomId, alice));
    await send(roomId, alice, { threadId: messages[5]?.id }); // thread-only: not in the pages
    const ids = messages.map((m) => m.id);

    const first = await store.history(roomId, { afterSeq: messages[2]?.seq, limit: 4 });
    expect(first.messages.map((m) => m.id)).toEqual(ids.slice(3, 7));
    expect(first.hasMore).toBe(true);
    const next = await store.history(roomId, { afterSeq: first.messages.at(-1)?.seq, limit: 4 });
    expect(next.messages.map((m) => m.id)).toEqual(ids.slice(7));
    expect(next.hasMore).toBe(false);
  });

  it('answers the context of a message deep in history, and of a thread-only reply', async () => {
    const { alice, bob, roomId } = await setup();
    const timeline: Message[] = [];
    let threadReply: Message | undefined;
    for (let i = 0; i < 120; i++) {
      timeline.push(await send(roomId, i % 3 ? alice : bob));
      // Thread-only replies in between are not part of the context.
      if (i % 10 === 0) threadReply = await send(roomId, bob, { threadId: timeline[i]?.id });
    }
    const ids = timeline.map((m) => m.id);

    const deep = await store.context(roomId, ids[30] ?? '', 5);
    expect(deep?.messages.map((m) => m.id)).toEqual(ids.slice(25, 36));
    expect(deep).toMatchObject({ hasMoreBefore: true, hasMoreAfter: true });

    const nearStart = await store.context(roomId, ids[3] ?? '', 5);
    expect(nearStart?.messages.map((m) => m.id)).toEqual(ids.slice(0, 9));
    expect(nearStart).toMatchObject({ hasMoreBefore: false, hasMoreAfter: true });

    const nearEnd = await store.context(roomId, ids[117] ?? '', 5);
    expect(nearEnd?.messages.map((m) => m.id)).toEqual(ids.slice(112));
    expect(nearEnd).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false });

    // The last thread reply was to message 110: its link opens around that root.
    const aroundReply = await store.context(roomId, threadReply?.id ?? '', 2);
    expect(aroundReply?.messages.map((m) => m.id)).toEqual(ids.slice(108, 113));

    expect(await store.context(roomId, 'no-such-message', 5)).toBeUndefined();
    const other = await setup();
    expect(await store.context(other.roomId, ids[30] ?? '', 5)).toBeUndefined();
  });

  it('thread, context and byIds carry reactions and pins like history', async () => {
    const { alice, bob, roomId } = await setup();
    const root = await send(roomId, alice);
    const reply = await send(roomId, bob, { threadId: root.id });
    for (const [messageId, userId] of [
      [root.id, bob],
      [reply.id, alice],
    ] as const) {
      const change = { roomId, messageId, userId, emoji: '👍', on: true, at: tick() };
      expect((await store.react(change)).status).toBe('changed');
    }
    expect(
      (await store.pin({ roomId, messageId: root.id, userId: bob, pinned: true, at: tick() }))
        .status,
    ).toBe('changed');
    const marks = (m: Message | undefined) => [m?.id, m?.reactions, m?.pinned?.by];
    const rootMarks = [root.id, [{ emoji: '👍', userIds: [bob] }], bob];
    const replyMarks = [reply.id, [{ emoji: '👍', userIds: [alice] }], undefined];

    const thread = await store.thread(roomId, root.id, { limit: 10 });
    if (typeof thread === 'string') throw new Error(thread);
    expect([marks(thread.root), ...thread.replies.map(marks)]).toEqual([rootMarks, replyMarks]);
    expect((await store.context(roomId, reply.id, 5))?.messages.map(marks)).toEqual([rootMarks]);
    expect((await store.messagesByIds(roomId, [reply.id, root.id])).map(marks)).toEqual([
      rootMarks,
      replyMarks,
    ]);
  });

  it('finds messages by id in the room only, in seq order, leaving out the rest', async () => {
    const { alice, bob, roomId } = await setup();
    const first = await send(roomId, alice);
    const second = await send(roomId, bob, { threadId: first.id });
    const other = await setup();
    const elsewhere = await send(other.roomId, other.alice);
    const found = await store.messagesByIds(roomId, [
      second.id,
      'no-such-message',
      elsewhere.id,
      first.id,
      second.id,
    ]);
    expect(found.map((m) => m.id)).toEqual([first.id, second.id]);
    expect(found[1]).toMatchObject({ threadId: first.id, body: second.body });
  });

  // Migration 0016 made the index partial (a message in no thread has no entry in it, so a send
  // does not write it): a thread's page must still be read from it, not by scanning the room.
  it("reads a thread's page from its index", async () => {
    const kysely = bareKysely(name, db.url);
    try {
      // One connection: PostgreSQL's setting holds for its session only.
      const plan = await kysely.connection().execute(async (conn) => {
        // The tables are small: without this PostgreSQL would rightly read them whole.
        if (name === 'postgres') await sql`set enable_seqscan = off`.execute(conn);
        const explain = sql.raw(name === 'postgres' ? 'explain' : 'explain query plan');
        const { rows } = await sql<Record<string, unknown>>`${explain}
          select * from messages where thread_id = ${'t'} and room_id = ${'r'} and seq < ${10}
          order by seq desc limit ${51}`.execute(conn);
        return rows.map((row) => Object.values(row).join(' ')).join('\n');
      });
      expect(plan).toMatch(/messages_thread/);
    } finally {
      await kysely.destroy();
    }
  });
});
