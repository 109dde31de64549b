import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import type { AppRouter } from './root.js';

/** The refusal a call ended with: application code and message. */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) {
    throw new Error(`expected a refusal, got ${error === undefined ? 'success' : String(error)}`);
  }
  return { appCode: (error as TRPCClientError<AppRouter>).data?.appCode, message: error.message };
}

type Person = Awaited<ReturnType<typeof signUp>>;

describe.each(ENGINES)('room administration, on $name', (engine) => {
  let database: TestDatabase;
  let server: TestServer;
  const people: Person[] = [];
  const person = async (name: string) => {
    const p = await signUp(server.url, name);
    people.push(p);
    return p;
  };
  /** The room's log after `afterSeq`, as [type, fields that matter] pairs. */
  const logAfter = async (by: Person, roomId: string, afterSeq: number) =>
    (await by.api.message.eventsAfter.query({ roomId, afterSeq })).events.map((e) =>
      e.type === 'member.role'
        ? [e.type, e.userId, e.role, e.actorId]
        : e.type === 'room.updated'
          ? [e.type, e.name, e.topic, e.kind, e.actorId]
          : [e.type],
    );

  beforeAll(async () => {
    database = await engine.create();
    server = await startServer(database.url);
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server?.close();
    await database?.drop();
  });

  it('lists same-named public rooms apart: each with its topic, member count and activity', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const name = `Design ${engine.name} ${Date.now()}`;
    const first = await alice.api.room.create.mutate({ kind: 'public', name, topic: 'product' });
    const second = await bob.api.room.create.mutate({ kind: 'public', name, topic: 'brand' });
    await alice.api.room.join.mutate({ roomId: second.id });
    // Newest activity first: the join is the latest entry of any log here.
    const listed = await alice.api.room.listPublic.query({ query: name });
    expect(listed.map((r) => [r.id, r.name, r.topic, r.memberCount])).toEqual([
      [second.id, name, 'brand', 2],
      [first.id, name, 'product', 1],
    ]);
  });

  it('makes a room private and public again, logged, and only for owners and admins', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const name = `lobby ${engine.name} ${Date.now()}`;
    const room = await alice.api.room.create.mutate({ kind: 'public', name });
    await bob.api.room.join.mutate({ roomId: room.id });
    const start = (await alice.api.room.byId.query({ roomId: room.id })).lastSeq;

    expect(await refusal(bob.api.room.update.mutate({ roomId: room.id, kind: 'private' }))).toEqual(
      {
        appCode: 'FORBIDDEN',
        message:
          "Only the room's owner or an admin can rename it, set its topic or make it public or private",
      },
    );
    await alice.api.room.update.mutate({ roomId: room.id, kind: 'private' });
    const listed = await bob.api.room.listPublic.query({ query: name });
    expect(listed.map((r) => r.id)).toEqual([]);
    await alice.api.room.update.mutate({ roomId: room.id, kind: 'public', topic: 'open again' });
    expect((await bob.api.room.listPublic.query({ query: name })).map((r) => r.id)).toEqual([
      room.id,
    ]);
    expect(await logAfter(bob, room.id, start)).toEqual([
      ['room.updated', name, '', 'private', alice.user.id],
      ['room.updated', name, 'open again', 'public', alice.user.id],
    ]);
  });

  it('logs role changes; a hand-over makes the old owner an admin, at once', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const carol = await person('carol');
    const room = await alice.api.room.create.mutate({ kind: 'private', name: 'team' });
    await alice.api.room.invite.mutate({ roomId: room.id, username: bob.username });
    await alice.api.room.invite.mutate({ roomId: room.id, username: carol.username });
    const start = (await alice.api.room.byId.query({ roomId: room.id })).lastSeq;

    await alice.api.room.setRole.mutate({ roomId: room.id, userId: bob.user.id, role: 'admin' });
    // An admin manages the room...
    await bob.api.room.update.mutate({ roomId: room.id, topic: 'weekly' });
    // ...but only the owner changes roles.
    expect(
      (
        await refusal(
          bob.api.room.setRole.mutate({ roomId: room.id, userId: carol.user.id, role: 'admin' }),
        )
      ).appCode,
    ).toBe('FORBIDDEN');
    await alice.api.room.setRole.mutate({ roomId: room.id, userId: carol.user.id, role: 'owner' });
    expect(
      (
        await refusal(
          alice.api.room.setRole.mutate({ roomId: room.id, userId: bob.user.id, role: 'member' }),
        )
      ).appCode,
    ).toBe('FORBIDDEN');
    const roles = new Map(
      (await bob.api.room.members.query({ roomId: room.id })).map((m) => [m.userId, m.role]),
    );
    expect([roles.get(alice.user.id), roles.get(bob.user.id), roles.get(carol.user.id)]).toEqual([
      'admin',
      'admin',
      'owner',
    ]);
    expect(await logAfter(carol, room.id, start)).toEqual([
      ['member.role', bob.user.id, 'admin', alice.user.id],
      ['room.updated', 'team', 'weekly', 'private', bob.user.id],
      ['member.role', carol.user.id, 'owner', alice.user.id],
      ['member.role', alice.user.id, 'admin', alice.user.id],
    ]);
    // A role for someone who is not a member: refused, nothing logged.
    const outsider = await person('dave');
    const seq = (await carol.api.room.byId.query({ roomId: room.id })).lastSeq;
    expect(
      (
        await refusal(
          carol.api.room.setRole.mutate({
            roomId: room.id,
            userId: outsider.user.id,
            role: 'owner',
          }),
        )
      ).appCode,
    ).toBe('USER_NOT_FOUND');
    expect((await carol.api.room.byId.query({ roomId: room.id })).lastSeq).toBe(seq);
    expect(roles.get(carol.user.id)).toBe('owner');
  });

  it('names the authors of a room after they left, and nobody the room never had', async () => {
    const alice = await person('alice');
    const carol = await person('carol');
    const stranger = await person('stranger');
    const room = await alice.api.room.create.mutate({ kind: 'private', name: 'history' });
    await alice.api.room.invite.mutate({ roomId: room.id, username: carol.username });
    await carol.api.message.send.mutate({ roomId: room.id, clientMsgId: 'c1', body: 'bye' });
    await carol.api.room.leave.mutate({ roomId: room.id });

    const found = await alice.api.room.people.query({
      roomId: room.id,
      userIds: [carol.user.id, stranger.user.id, alice.user.id],
    });
    expect(found.map((u) => [u.id, u.displayName]).sort()).toEqual(
      [
        [alice.user.id, 'alice'],
        [carol.user.id, 'carol'],
      ].sort(),
    );
    // Carol is not a member any more: the room's people are not hers to read.
    expect(
      (await refusal(carol.api.room.people.query({ roomId: room.id, userIds: [alice.user.id] })))
        .appCode,
    ).toBe('ROOM_NOT_FOUND');
  });
});
