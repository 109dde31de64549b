import type { StreamEvent } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import { refusal } from '../notify/__tests__/fixtures.js';

type User = Awaited<ReturnType<typeof signUp>>;

/** What a member sees of the room: a refused call must leave all of it as it was. */
async function seen(user: User, roomId: string) {
  const [log, history] = await Promise.all([
    user.api.message.eventsAfter.query({ roomId, afterSeq: 0 }),
    user.api.message.history.query({ roomId }),
  ]);
  return { log, history };
}

describe.each(ENGINES)('replies, threads and message links over the API, on $name', (engine) => {
  let database: TestDatabase;
  let server: TestServer;
  let alice: User;
  let bob: User;
  let roomId: string;

  beforeAll(async () => {
    database = await engine.create();
    server = await startServer(database.url);
    [alice, bob] = await Promise.all([signUp(server.url, 'alice'), signUp(server.url, 'bob')]);
    roomId = (await alice.api.room.create.mutate({ kind: 'private', name: 'team' })).id;
    await alice.api.room.invite.mutate({ roomId, username: bob.username });
  });
  afterAll(async () => {
    alice?.close();
    bob?.close();
    await server?.close();
    await database?.drop();
  });

  it('a thread: replies live on the stream, out of the timeline, summed up on the root', async () => {
    const live: StreamEvent[] = [];
    let synced: () => void = () => {};
    const sync = new Promise<void>((resolve) => {
      synced = resolve;
    });
    let arrived: () => void = () => {};
    const allArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const subscription = bob.api.events.onEvent.subscribe(
      { cursors: {}, resume: false },
      {
        onData: (tracked) => {
          const event = (tracked as { data: StreamEvent }).data;
          if (event.type === 'sync') synced();
          if (event.type === 'message.created') live.push(event);
          if (live.length === 4) arrived();
        },
      },
    );
    await sync;
    const root = await alice.api.message.send.mutate({ roomId, clientMsgId: 't1', body: 'plan?' });
    const quiet = await bob.api.message.send.mutate({
      roomId,
      clientMsgId: 't2',
      body: 'in thread',
      threadId: root.id,
    });
    const loud = await bob.api.message.send.mutate({
      roomId,
      clientMsgId: 't3',
      body: 'for all',
      threadId: root.id,
      alsoInRoom: true,
    });
    const answer = await alice.api.message.send.mutate({
      roomId,
      clientMsgId: 't4',
      body: 'yes',
      replyToId: quiet.id,
    });
    await allArrived;
    subscription.unsubscribe();
    // The log carries every reply: clients decide where each one shows.
    expect(
      live.map((e) =>
        e.type === 'message.created'
          ? [e.message.id, e.message.threadId, e.message.alsoInRoom, e.message.replyToId]
          : [],
      ),
    ).toEqual([
      [root.id, undefined, undefined, undefined],
      [quiet.id, root.id, undefined, undefined],
      [loud.id, root.id, true, undefined],
      [answer.id, undefined, undefined, quiet.id],
    ]);

    const history = await bob.api.message.history.query({ roomId });
    expect(history.messages.map((m) => m.id)).toEqual([root.id, loud.id, answer.id]);
    expect(history.messages[0]?.thread).toEqual({
      replyCount: 2,
      lastReplyAt: loud.createdAt,
      lastReplyAuthorId: bob.user.id,
    });
    const thread = await alice.api.message.thread.query({ roomId, threadId: root.id });
    expect([thread.root.id, thread.replies.map((m) => m.body), thread.hasMore]).toEqual([
      root.id,
      ['in thread', 'for all'],
      false,
    ]);
    // A link to the thread-only reply opens the timeline around its root.
    const context = await alice.api.message.context.query({
      roomId,
      messageId: quiet.id,
      limit: 1,
    });
    expect(context).toMatchObject({ hasMoreBefore: false, hasMoreAfter: true, startSeq: 1 });
    expect(context.messages.map((m) => m.id)).toEqual([root.id, loud.id]);
    const forward = await alice.api.message.history.query({ roomId, afterSeq: root.seq, limit: 1 });
    expect([forward.messages.map((m) => m.id), forward.hasMore]).toEqual([[loud.id], true]);
    const quoted = await bob.api.message.byIds.query({ roomId, messageIds: [quiet.id, 'gone'] });
    expect(quoted.map((m) => [m.id, m.body])).toEqual([[quiet.id, 'in thread']]);
  });

  it('refuses bad replies and threads with a clear code, and a refused call changes nothing', async () => {
    const outsider = await signUp(server.url, 'outsider');
    const root = await alice.api.message.send.mutate({ roomId, clientMsgId: 'r1', body: 'root' });
    const reply = await bob.api.message.send.mutate({
      roomId,
      clientMsgId: 'r2',
      body: 'reply',
      threadId: root.id,
    });
    const doomed = await alice.api.message.send.mutate({ roomId, clientMsgId: 'r3', body: 'x' });
    await alice.api.message.delete.mutate({ roomId, messageId: doomed.id });
    const otherRoom = (await bob.api.room.create.mutate({ kind: 'private', name: 'other' })).id;
    const elsewhere = await bob.api.message.send.mutate({
      roomId: otherRoom,
      clientMsgId: 'r4',
      body: 'z',
    });
    const before = await seen(alice, roomId);
    const send = (
      who: User,
      fields: { replyToId?: string; threadId?: string; alsoInRoom?: boolean },
    ) => who.api.message.send.mutate({ roomId, clientMsgId: 'refused', body: 'no', ...fields });

    expect(await refusal(send(bob, { replyToId: elsewhere.id }))).toEqual({
      appCode: 'MESSAGE_NOT_FOUND',
      message: 'The message replied to is not in this room',
    });
    expect(await refusal(send(bob, { threadId: elsewhere.id }))).toEqual({
      appCode: 'MESSAGE_NOT_FOUND',
      message: "The thread's message is not in this room",
    });
    expect(await refusal(send(bob, { threadId: reply.id }))).toEqual({
      appCode: 'CONFLICT',
      message: "A thread reply has no thread of its own: reply in its root's thread",
    });
    expect(await refusal(send(bob, { threadId: doomed.id }))).toEqual({
      appCode: 'CONFLICT',
      message: "The thread's message was deleted",
    });
    expect(await refusal(send(bob, { alsoInRoom: true }))).toEqual({
      appCode: 'VALIDATION',
      message: 'alsoInRoom: alsoInRoom is for thread replies: give a threadId',
    });
    // A non-member hears that the room is not there, whatever the reply names.
    const notFound = { appCode: 'ROOM_NOT_FOUND', message: 'Room not found' };
    expect(await refusal(send(outsider, { threadId: root.id }))).toEqual(notFound);
    expect(await refusal(send(outsider, { replyToId: 'no-such-message' }))).toEqual(notFound);
    expect(await refusal(outsider.api.message.thread.query({ roomId, threadId: root.id }))).toEqual(
      notFound,
    );
    expect(
      await refusal(outsider.api.message.context.query({ roomId, messageId: root.id })),
    ).toEqual(notFound);
    expect(
      await refusal(outsider.api.message.byIds.query({ roomId, messageIds: [root.id] })),
    ).toEqual(notFound);
    // Reads name what is missing.
    expect(await refusal(bob.api.message.thread.query({ roomId, threadId: reply.id }))).toEqual({
      appCode: 'CONFLICT',
      message: "A thread reply has no thread of its own: open its root's thread",
    });
    const noMessage = { appCode: 'MESSAGE_NOT_FOUND', message: 'Message not found' };
    expect(await refusal(bob.api.message.thread.query({ roomId, threadId: elsewhere.id }))).toEqual(
      noMessage,
    );
    expect(await refusal(bob.api.message.context.query({ roomId, messageId: 'nope' }))).toEqual(
      noMessage,
    );
    expect(await refusal(bob.api.message.byIds.query({ roomId, messageIds: [] }))).toMatchObject({
      appCode: 'VALIDATION',
    });

    expect(await seen(alice, roomId)).toEqual(before);
    // The refused clientMsgId was not used up: the same send, fixed, posts.
    const fixed = await send(bob, { threadId: root.id, alsoInRoom: true });
    expect(fixed.seq).toBe((before.log.events.at(-1)?.seq ?? 0) + 1);
    outsider.close();
  });
});

describe('a refused reply gives its send token back', () => {
  let database: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    database = sqliteDatabase();
    // Two writes, then (practically) no refill while the test runs.
    server = await startServer(database.url, { sendRate: { perSecond: 0.001, burst: 2 } });
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('after a refused reply the next send still posts; the one after is RATE_LIMITED', async () => {
    const alice = await signUp(server.url, 'alice');
    const roomId = (await alice.api.room.create.mutate({ kind: 'private', name: 'r' })).id;
    await alice.api.message.send.mutate({ roomId, clientMsgId: 'a', body: 'one' });
    const refused = alice.api.message.send.mutate({
      roomId,
      clientMsgId: 'b',
      body: 'two',
      replyToId: 'no-such-message',
    });
    expect((await refusal(refused)).appCode).toBe('MESSAGE_NOT_FOUND');
    await alice.api.message.send.mutate({ roomId, clientMsgId: 'c', body: 'three' });
    expect(
      (await refusal(alice.api.message.send.mutate({ roomId, clientMsgId: 'd', body: 'four' })))
        .appCode,
    ).toBe('RATE_LIMITED');
    alice.close();
  });
});
