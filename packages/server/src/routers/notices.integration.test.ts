import { ERROR_CODES, type RoomNotice } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import { refusal } from '../notify/__tests__/fixtures.js';

type User = Awaited<ReturnType<typeof signUp>>;

/** What a notice says, without its time: enough to tell which one it is. */
const said = (notices: readonly RoomNotice[] | undefined) =>
  notices?.map((n) => {
    switch (n.type) {
      case 'room.updated':
        return [n.seq, n.type, n.actorId, n.name, n.topic, n.kind];
      case 'member.joined':
        return [n.seq, n.type, n.actorId, n.userId, n.via];
      case 'member.role':
        return [n.seq, n.type, n.actorId, n.userId, n.role];
      default:
        return [n.seq, n.type, n.actorId, n.userId];
    }
  });

// message.history and message.context carry the room's notices in their span (issue 17): who
// came and went, renames and role changes, as the log holds them, for every member alike.
describe.each(ENGINES)('notices over the API, on $name', (engine) => {
  let database: TestDatabase;
  let server: TestServer;
  let ann: User;
  let bob: User;
  let cat: User;
  let dan: User;

  beforeAll(async () => {
    database = await engine.create();
    server = await startServer(database.url);
    [ann, bob, cat, dan] = await Promise.all([
      signUp(server.url, 'ann'),
      signUp(server.url, 'bob'),
      signUp(server.url, 'cat'),
      signUp(server.url, 'dan'),
    ]);
  });
  afterAll(async () => {
    for (const user of [ann, bob, cat, dan]) user?.close();
    await server?.close();
    await database?.drop();
  });

  it('a page returns the notices in its span, and a member who joined later sees the same', async () => {
    const roomId = (await ann.api.room.create.mutate({ kind: 'private', name: 'team' })).id; // 1
    await ann.api.room.invite.mutate({ roomId, username: bob.username }); // 2
    await ann.api.room.invite.mutate({ roomId, username: cat.username }); // 3
    const first = await ann.api.message.send.mutate({ roomId, clientMsgId: 'a1', body: 'hi' }); // 4
    await ann.api.room.update.mutate({ roomId, name: 'Ops', kind: 'public' }); // 5
    await ann.api.room.setRole.mutate({ roomId, userId: bob.user.id, role: 'admin' }); // 6
    const second = await bob.api.message.send.mutate({ roomId, clientMsgId: 'b1', body: 'yo' }); // 7
    await bob.api.room.removeMember.mutate({ roomId, userId: cat.user.id }); // 8
    await dan.api.room.join.mutate({ roomId }); // 9
    await bob.api.room.leave.mutate({ roomId }); // 10
    expect([first.seq, second.seq]).toEqual([4, 7]);

    const newest = await ann.api.message.history.query({ roomId, limit: 1 });
    expect([newest.messages.map((m) => m.id), newest.hasMore]).toEqual([[second.id], true]);
    expect(said(newest.notices)).toEqual([
      [8, 'member.removed', bob.user.id, cat.user.id],
      [9, 'member.joined', dan.user.id, dan.user.id, 'join'],
      [10, 'member.left', bob.user.id, bob.user.id],
    ]);
    const older = await ann.api.message.history.query({ roomId, beforeSeq: second.seq, limit: 1 });
    expect([older.messages.map((m) => m.id), older.hasMore]).toEqual([[first.id], false]);
    expect(said(older.notices)).toEqual([
      [1, 'member.joined', ann.user.id, ann.user.id, 'create'],
      [2, 'member.joined', ann.user.id, bob.user.id, 'invite'],
      [3, 'member.joined', ann.user.id, cat.user.id, 'invite'],
      [5, 'room.updated', ann.user.id, 'Ops', '', 'public'],
      [6, 'member.role', ann.user.id, bob.user.id, 'admin'],
    ]);

    // Dan joined at 9: history shows him the messages from before, and so the notices too.
    expect(await dan.api.message.history.query({ roomId, limit: 1 })).toEqual(newest);
    expect(await dan.api.message.history.query({ roomId, beforeSeq: 7, limit: 1 })).toEqual(older);
    // A message link: from the log's start (nothing older) to its last message (newer exist).
    const context = await dan.api.message.context.query({ roomId, messageId: first.id, limit: 1 });
    expect(context.messages.map((m) => m.id)).toEqual([first.id, second.id]);
    expect(context.notices?.map((n) => n.seq)).toEqual([1, 2, 3, 5, 6, 8, 9, 10]);
  });

  it('the removed and those who left get no page of the room', async () => {
    const roomId = (await ann.api.room.create.mutate({ kind: 'private', name: 'gone' })).id;
    await ann.api.room.invite.mutate({ roomId, username: cat.username });
    await ann.api.room.removeMember.mutate({ roomId, userId: cat.user.id });
    // A private room they are not in is one they do not know of.
    expect(await refusal(cat.api.message.history.query({ roomId }))).toEqual({
      appCode: ERROR_CODES.ROOM_NOT_FOUND,
      message: 'Room not found',
    });
  });
});
