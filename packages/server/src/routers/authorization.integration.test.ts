import { LIMITS } from '@confab/contracts';
import { getUntypedClient, type TRPCClient, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { connect, signUp, startServer, type TestServer } from '../__tests__/server.js';
import { hashToken, newId, newToken } from '../services/crypto.js';
import { type AppRouter, appRouter } from './root.js';

type Api = TRPCClient<AppRouter>;
type ProcedureType = 'query' | 'mutation' | 'subscription';

/** Every procedure the API has, by path: the sweeps below must cover each of them. */
const PROCEDURES: Record<string, ProcedureType> = Object.fromEntries(
  Object.entries(
    // The router's flat path -> procedure record; its static type is the nested router shape.
    appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureType } }>,
  ).map(([path, procedure]) => [path, procedure._def.type]),
);

/** Calls any procedure by path with the official client, as the typed proxy would. */
function call(api: Api, path: string, input: unknown): Promise<unknown> {
  const client = getUntypedClient(api);
  const type = PROCEDURES[path];
  if (type === 'query') return client.query(path, input);
  if (type === 'mutation') return client.mutation(path, input);
  if (type !== 'subscription') throw new Error(`no procedure ${path}`);
  // A subscription succeeds once the server starts it, and fails with its first error.
  return new Promise((resolve, reject) => {
    const subscription = client.subscription(path, input, {
      onStarted: () => {
        queueMicrotask(() => subscription.unsubscribe());
        resolve('started');
      },
      onError: (error) => {
        queueMicrotask(() => subscription.unsubscribe());
        reject(error);
      },
    });
  });
}

/**
 * A device's live event stream: `live` once its first event (the server's sync) arrived, the first
 * message it carried, and how it ended.
 */
function openStream(api: Api) {
  let resolveLive: () => void = () => {};
  const live = new Promise<void>((resolve) => {
    resolveLive = resolve;
  });
  let resolveFirst: (event: unknown) => void = () => {};
  const firstMessage = new Promise<unknown>((resolve) => {
    resolveFirst = resolve;
  });
  // Resolves (never rejects) with what ended the stream, so an early end is never unhandled.
  const ended = new Promise<unknown>((resolve) => {
    getUntypedClient(api).subscription(
      'events.onEvent',
      { cursors: {} },
      {
        onData: (tracked: unknown) => {
          const { data } = tracked as { data: { type?: string } };
          resolveLive();
          if (data.type === 'message.created') resolveFirst(data);
        },
        onError: resolve,
        onComplete: () => resolve('completed without an error'),
      },
    );
  });
  return { live, firstMessage, ended };
}

/** The refusal a call ended with: its application code and message. */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) {
    throw new Error(`expected a refusal, got ${error === undefined ? 'success' : String(error)}`);
  }
  const { data } = error as TRPCClientError<AppRouter>;
  return { appCode: data?.appCode, message: error.message };
}

/** Procedures anyone may call, and the server-to-server ones that take an API key instead. */
const NOT_USER_AUTHENTICATED = [
  'auth.register',
  'auth.login',
  'auth.registerWithCookie',
  'auth.loginWithCookie',
  'push.message',
  'push.toUser',
  'push.broadcast',
  'identity.upsertUser',
  'identity.mintToken',
  'identity.revokeUser',
  'identity.restoreUser',
  'notifications.registerWebhook',
  'notifications.webhooks',
  'notifications.deleteWebhook',
  'notifications.stats',
];

describe('authorization', () => {
  let db: TestDatabase;
  let server: TestServer;
  type User = Awaited<ReturnType<typeof signUp>>;
  let owner: User;
  let member: User;
  let outsider: User;
  let privateRoom: string;
  let publicRoom: string;
  let privateMessage: string;
  let publicMessage: string;

  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url);
    [owner, member, outsider] = await Promise.all([
      signUp(server.url, 'owner'),
      signUp(server.url, 'member'),
      signUp(server.url, 'outsider'),
    ]);
    privateRoom = (await owner.api.room.create.mutate({ kind: 'private', name: 'secret' })).id;
    await owner.api.room.invite.mutate({ roomId: privateRoom, username: member.username });
    publicRoom = (await owner.api.room.create.mutate({ kind: 'public', name: 'lobby' })).id;
    await member.api.room.join.mutate({ roomId: publicRoom });
    privateMessage = (
      await owner.api.message.send.mutate({ roomId: privateRoom, clientMsgId: 'p1', body: 'psst' })
    ).id;
    publicMessage = (
      await owner.api.message.send.mutate({ roomId: publicRoom, clientMsgId: 'l1', body: 'hi all' })
    ).id;
  });
  afterAll(async () => {
    for (const user of [owner, member, outsider]) user?.close();
    await server?.close();
    await db?.drop();
  });

  /** A valid input for every user-authenticated procedure, aimed at `roomId`. */
  function inputs(roomId: string, messageId: string): Record<string, unknown> {
    return {
      'auth.logout': undefined,
      'auth.me': undefined,
      'auth.sessions': undefined,
      'auth.revokeSession': { sessionId: 'someSession' },
      'room.create': { kind: 'public', name: 'new room' },
      'room.byId': { roomId },
      'room.update': { roomId, name: 'renamed' },
      'room.join': { roomId },
      'room.leave': { roomId },
      'room.invite': { roomId, username: outsider.username },
      'room.removeMember': { roomId, userId: member.user.id },
      'room.setRole': { roomId, userId: member.user.id, role: 'admin' },
      'room.members': { roomId },
      'room.people': { roomId, userIds: [member.user.id] },
      'room.listPublic': {},
      'room.mine': undefined,
      'room.openDirect': { username: member.username },
      'message.send': { roomId, clientMsgId: 'intruder-1', body: 'intrusion' },
      'message.edit': { roomId, messageId, body: 'defaced' },
      'message.delete': { roomId, messageId },
      'message.history': { roomId },
      'message.eventsAfter': { roomId, afterSeq: 0 },
      'message.markRead': { roomId, seq: 1 },
      'message.search': { query: 'psst', roomId },
      'message.react': { roomId, messageId, emoji: '👎', on: true },
      'message.pin': { roomId, messageId, pinned: true },
      'message.pins': { roomId },
      'message.thread': { roomId, threadId: messageId },
      'message.context': { roomId, messageId },
      'message.byIds': { roomId, messageIds: [messageId] },
      'events.onEvent': { cursors: {} },
      'events.live': { cursors: {} },
      'events.poll': { cursors: {}, waitMs: 0 },
      'auth.settings': undefined,
      'auth.updateSettings': { shareReadReceipts: true },
      'room.receipts': { roomId },
      'presence.heartbeat': undefined,
      'presence.setActive': { active: true },
      'presence.typing': { roomId },
      'presence.of': { userIds: [member.user.id] },
      'notifications.vapidPublicKey': undefined,
      'notifications.subscribePush': {
        endpoint: 'https://push.example.com/send/abc',
        keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) },
      },
      'notifications.unsubscribePush': { endpoint: 'https://push.example.com/send/abc' },
      'notifications.setRoomMuted': { roomId, muted: true },
      'notifications.mutedRooms': undefined,
      'notifications.setRoomLevel': { roomId, level: 'none' },
      'notifications.roomLevels': undefined,
      'message.mentions': {},
      'room.retention': { roomId },
      'room.setRetention': { roomId, retentionDays: 1 },
      'account.export': undefined,
      'account.updateProfile': { displayName: 'Intruder' },
      'account.delete': { password: 'correct horse battery' },
    };
  }

  /** What the owner sees of a room: refused requests must leave all of it unchanged. */
  async function snapshot(roomId: string) {
    const [room, members, log, mine] = await Promise.all([
      owner.api.room.byId.query({ roomId }),
      owner.api.room.members.query({ roomId }),
      owner.api.message.eventsAfter.query({ roomId, afterSeq: 0 }),
      member.api.room.mine.query(),
    ]);
    return { room, members, log, memberRooms: mine.map((s) => [s.room.id, s.role]) };
  }

  it('the sweeps cover every procedure of the API', () => {
    const covered = [...Object.keys(inputs('r', 'm')), ...NOT_USER_AUTHENTICATED].sort();
    expect(covered).toEqual(Object.keys(PROCEDURES).sort());
  });

  it('every user procedure refuses a call without a token with UNAUTHENTICATED', async () => {
    const anonymous = connect(server.url);
    const before = await snapshot(privateRoom);
    for (const [path, input] of Object.entries(inputs(privateRoom, privateMessage))) {
      expect({ path, ...(await refusal(call(anonymous.api, path, input))) }).toEqual({
        path,
        appCode: 'UNAUTHENTICATED',
        message: 'Sign in first',
      });
    }
    anonymous.close();
    expect(await snapshot(privateRoom)).toEqual(before);
  });

  const ROOM_SCOPED = [
    'room.byId',
    'room.update',
    'room.join',
    'room.leave',
    'room.invite',
    'room.removeMember',
    'room.setRole',
    'room.members',
    'room.people',
    'message.send',
    'message.edit',
    'message.delete',
    'message.history',
    'message.eventsAfter',
    'message.markRead',
    'message.search',
    'message.react',
    'message.pin',
    'message.pins',
    'message.thread',
    'message.context',
    'message.byIds',
    'room.receipts',
    'presence.typing',
    'notifications.setRoomMuted',
    'notifications.setRoomLevel',
    'room.retention',
    'room.setRetention',
  ];

  it('a private room does not exist for a non-member: ROOM_NOT_FOUND everywhere, nothing changes', async () => {
    const before = await snapshot(privateRoom);
    const all = inputs(privateRoom, privateMessage);
    const missing = inputs('no-such-room', privateMessage);
    for (const path of ROOM_SCOPED) {
      const expected = { path, appCode: 'ROOM_NOT_FOUND', message: 'Room not found' };
      expect({ path, ...(await refusal(call(outsider.api, path, all[path]))) }).toEqual(expected);
      // Indistinguishable from a room that does not exist at all.
      expect({ path, ...(await refusal(call(outsider.api, path, missing[path]))) }).toEqual(
        expected,
      );
    }
    expect(await snapshot(privateRoom)).toEqual(before);
    expect((await outsider.api.room.mine.query()).map((s) => s.room.id)).toEqual([]);
  });

  it('a removed member is refused like anyone outside the private room, and changes nothing', async () => {
    const former = await signUp(server.url, 'former');
    const roomId = (await owner.api.room.create.mutate({ kind: 'private', name: 'was ours' })).id;
    await owner.api.room.invite.mutate({ roomId, username: former.username });
    const messageId = (
      await former.api.message.send.mutate({ roomId, clientMsgId: 'f1', body: 'mine' })
    ).id;
    await owner.api.room.removeMember.mutate({ roomId, userId: former.user.id });
    const before = await snapshot(roomId);
    const all = inputs(roomId, messageId);
    for (const path of ROOM_SCOPED) {
      expect({ path, ...(await refusal(call(former.api, path, all[path]))) }).toEqual({
        path,
        appCode: 'ROOM_NOT_FOUND',
        message: 'Room not found',
      });
    }
    expect(await snapshot(roomId)).toEqual(before);
    former.close();
  });

  it('a public room is visible to a non-member, who must join before reading or writing', async () => {
    const before = await snapshot(publicRoom);
    const all = inputs(publicRoom, publicMessage);
    for (const path of ROOM_SCOPED.filter((p) => p !== 'room.byId' && p !== 'room.join')) {
      expect({ path, ...(await refusal(call(outsider.api, path, all[path]))) }).toEqual({
        path,
        appCode: 'FORBIDDEN',
        message: 'Join the room first',
      });
    }
    expect(await snapshot(publicRoom)).toEqual(before);
    expect(await outsider.api.room.byId.query({ roomId: publicRoom })).toEqual(before.room);
    expect((await outsider.api.room.listPublic.query({})).map((r) => r.id)).toContain(publicRoom);

    // A second public room, so joining does not disturb the others' fixtures.
    const square = await owner.api.room.create.mutate({ kind: 'public', name: 'square' });
    const joined = await outsider.api.room.join.mutate({ roomId: square.id });
    expect(joined).toMatchObject({
      type: 'member.joined',
      seq: 2,
      userId: outsider.user.id,
      role: 'member',
      via: 'join',
    });
    expect(await refusal(outsider.api.room.join.mutate({ roomId: square.id }))).toEqual({
      appCode: 'CONFLICT',
      message: 'Already a member',
    });
    const sent = await outsider.api.message.send.mutate({
      roomId: square.id,
      clientMsgId: 'joined-1',
      body: 'hello square',
    });
    expect(sent.seq).toBe(3);
  });

  describe('sessions', () => {
    it('a session revoked from another device gets SESSION_REVOKED on its next call; the other device goes on', async () => {
      const anonymous = connect(server.url);
      const phone = await anonymous.api.auth.login.mutate({
        username: owner.username.toUpperCase(),
        password: 'correct horse battery',
        deviceLabel: 'phone',
      });
      anonymous.close();
      const phoneApi = connect(server.url, phone.token);
      expect(phone.user).toEqual(owner.user);
      expect((await phoneApi.api.auth.me.query()).sessionId).toBe(phone.session.id);

      const sessions = await owner.api.auth.sessions.query();
      expect(sessions.find((s) => s.id === phone.session.id)).toMatchObject({
        deviceLabel: 'phone',
        current: false,
      });
      expect(sessions.filter((s) => s.current)).toHaveLength(1);

      // The phone has a live stream open, proven live by receiving a message: revoking the
      // session ends it too.
      const stream = openStream(phoneApi.api);
      await stream.live;
      const sent = await owner.api.message.send.mutate({
        roomId: privateRoom,
        clientMsgId: 'before-revoke',
        body: 'still there?',
      });
      expect(await stream.firstMessage).toMatchObject({ type: 'message.created', seq: sent.seq });
      await owner.api.auth.revokeSession.mutate({ sessionId: phone.session.id });
      expect(await refusal(phoneApi.api.auth.me.query())).toEqual({
        appCode: 'SESSION_REVOKED',
        message: 'This session was signed out',
      });
      expect(await refusal(phoneApi.api.message.history.query({ roomId: privateRoom }))).toEqual({
        appCode: 'SESSION_REVOKED',
        message: 'This session was signed out',
      });
      expect(await refusal(stream.ended.then((e) => Promise.reject(e)))).toEqual({
        appCode: 'SESSION_REVOKED',
        message: 'This session was signed out',
      });
      expect((await owner.api.auth.me.query()).user).toEqual(owner.user);
      expect((await owner.api.auth.sessions.query()).map((s) => s.id)).not.toContain(
        phone.session.id,
      );
      // Revoking it again, or a session of somebody else, is refused and changes nothing.
      expect(
        await refusal(owner.api.auth.revokeSession.mutate({ sessionId: phone.session.id })),
      ).toEqual({ appCode: 'SESSION_NOT_FOUND', message: 'No such session' });
      const memberSession = (await member.api.auth.me.query()).sessionId;
      expect(
        await refusal(owner.api.auth.revokeSession.mutate({ sessionId: memberSession })),
      ).toEqual({ appCode: 'SESSION_NOT_FOUND', message: 'No such session' });
      expect((await member.api.auth.me.query()).sessionId).toBe(memberSession);
      phoneApi.close();
    });

    it('after logout the token gets SESSION_REVOKED', async () => {
      const anonymous = connect(server.url);
      const laptop = await anonymous.api.auth.login.mutate({
        username: member.username,
        password: 'correct horse battery',
      });
      anonymous.close();
      const laptopApi = connect(server.url, laptop.token);
      expect(await laptopApi.api.auth.logout.mutate()).toEqual({ ok: true });
      expect(await refusal(laptopApi.api.auth.me.query())).toEqual({
        appCode: 'SESSION_REVOKED',
        message: 'This session was signed out',
      });
      expect(await refusal(laptopApi.api.auth.logout.mutate())).toMatchObject({
        appCode: 'SESSION_REVOKED',
      });
      laptopApi.close();
      // The member's other session is untouched.
      expect((await member.api.auth.me.query()).user).toEqual(member.user);
    });

    it('a token never issued gets SESSION_INVALID', async () => {
      const forged = connect(server.url, newToken());
      expect(await refusal(forged.api.auth.me.query())).toEqual({
        appCode: 'SESSION_INVALID',
        message: 'Session not recognised; sign in again',
      });
      expect(await refusal(call(forged.api, 'events.onEvent', { cursors: {} }))).toMatchObject({
        appCode: 'SESSION_INVALID',
      });
      forged.close();
    });

    it('a session unused for longer than the idle lifetime gets SESSION_EXPIRED', async () => {
      const { store } = server.server.services;
      const now = Date.now();
      const session = async (idleMs: number) => {
        const token = newToken();
        await store.createSession({
          id: newId(),
          userId: member.user.id,
          tokenHash: hashToken(token),
          deviceLabel: 'old tablet',
          createdAt: now - idleMs,
          lastSeenAt: now - idleMs,
          revokedAt: null,
        });
        return connect(server.url, token);
      };
      const expired = await session(LIMITS.sessionIdleTtlMs + 60_000);
      expect(await refusal(expired.api.auth.me.query())).toEqual({
        appCode: 'SESSION_EXPIRED',
        message: 'Session expired; sign in again',
      });
      expired.close();
      // Just inside the lifetime it works, and using it starts the lifetime again.
      const idle = await session(LIMITS.sessionIdleTtlMs - 60_000);
      const { sessionId } = await idle.api.auth.me.query();
      const touched = (await member.api.auth.sessions.query()).find((s) => s.id === sessionId);
      expect(touched?.lastSeenAt).toBeGreaterThanOrEqual(now);
      idle.close();
    });

    it('a wrong password and an unknown user both get INVALID_CREDENTIALS', async () => {
      const anonymous = connect(server.url);
      const expected = { appCode: 'INVALID_CREDENTIALS', message: 'Wrong username or password' };
      expect(
        await refusal(
          anonymous.api.auth.login.mutate({ username: owner.username, password: 'wrong password' }),
        ),
      ).toEqual(expected);
      expect(
        await refusal(
          anonymous.api.auth.login.mutate({ username: 'nobody_here', password: 'whatever1' }),
        ),
      ).toEqual(expected);
      anonymous.close();
    });

    it('a taken username, in any case, gets USERNAME_TAKEN', async () => {
      const anonymous = connect(server.url);
      for (const username of [owner.username, owner.username.toUpperCase()]) {
        expect(
          await refusal(
            anonymous.api.auth.register.mutate({
              username,
              displayName: 'Impostor',
              password: 'another password',
            }),
          ),
        ).toEqual({ appCode: 'USERNAME_TAKEN', message: 'That username is taken' });
      }
      anonymous.close();
      // The original account still signs in with its own password.
      expect((await owner.api.auth.me.query()).user.displayName).toBe('owner');
    });
  });

  describe('roles', () => {
    it('only the owner or an admin renames or removes; nobody removes the owner', async () => {
      const [boss, deputy, pleb, other] = await Promise.all([
        signUp(server.url, 'boss'),
        signUp(server.url, 'deputy'),
        signUp(server.url, 'pleb'),
        signUp(server.url, 'other'),
      ]);
      const roomId = (await boss.api.room.create.mutate({ kind: 'private', name: 'ops' })).id;
      for (const u of [deputy, pleb, other])
        await boss.api.room.invite.mutate({ roomId, username: u.username });
      const ownerView = async () => ({
        room: await boss.api.room.byId.query({ roomId }),
        members: await boss.api.room.members.query({ roomId }),
      });

      // A plain member can neither rename, nor remove, nor change roles.
      const before = await ownerView();
      expect(await refusal(pleb.api.room.update.mutate({ roomId, name: 'mine now' }))).toEqual({
        appCode: 'FORBIDDEN',
        message:
          "Only the room's owner or an admin can rename it, set its topic or make it public or private",
      });
      expect(
        await refusal(pleb.api.room.removeMember.mutate({ roomId, userId: other.user.id })),
      ).toEqual({
        appCode: 'FORBIDDEN',
        message: "Only the room's owner or an admin can remove members",
      });
      expect(
        await refusal(
          pleb.api.room.setRole.mutate({ roomId, userId: pleb.user.id, role: 'admin' }),
        ),
      ).toEqual({ appCode: 'FORBIDDEN', message: 'Only the owner can change roles' });
      expect(await ownerView()).toEqual(before);

      // The owner makes an admin, who renames and removes a member...
      await boss.api.room.setRole.mutate({ roomId, userId: deputy.user.id, role: 'admin' });
      expect(await deputy.api.room.update.mutate({ roomId, topic: 'on call' })).toMatchObject({
        type: 'room.updated',
        name: 'ops',
        topic: 'on call',
        actorId: deputy.user.id,
      });
      expect(
        await deputy.api.room.removeMember.mutate({ roomId, userId: other.user.id }),
      ).toMatchObject({ type: 'member.removed', userId: other.user.id, actorId: deputy.user.id });
      expect(await refusal(other.api.room.byId.query({ roomId }))).toMatchObject({
        appCode: 'ROOM_NOT_FOUND',
      });
      // ...but cannot remove the owner.
      expect(
        await refusal(deputy.api.room.removeMember.mutate({ roomId, userId: boss.user.id })),
      ).toEqual({
        appCode: 'FORBIDDEN',
        message: 'Only the owner can remove an admin, and nobody the owner',
      });
      // The owner cannot remove themselves (they leave), and cannot leave while others remain.
      expect(
        await refusal(boss.api.room.removeMember.mutate({ roomId, userId: boss.user.id })),
      ).toEqual({ appCode: 'CONFLICT', message: 'Use leave to leave a room' });
      expect(await refusal(boss.api.room.leave.mutate({ roomId }))).toEqual({
        appCode: 'CONFLICT',
        message: 'The owner must hand the room to another member before leaving',
      });
      expect(
        (await boss.api.room.members.query({ roomId })).map((m) => [m.username, m.role]),
      ).toEqual([
        [boss.username, 'owner'],
        [deputy.username, 'admin'],
        [pleb.username, 'member'],
      ]);
      expect((await boss.api.room.byId.query({ roomId })).name).toBe('ops');
      // The owner renames.
      expect(await boss.api.room.update.mutate({ roomId, name: 'operations' })).toMatchObject({
        type: 'room.updated',
        name: 'operations',
        topic: 'on call',
      });
      for (const u of [boss, deputy, pleb, other]) u.close();
    });

    it('a direct room is one per pair, from either side, closed to others and not renamable', async () => {
      const [ann, ben, cat] = await Promise.all([
        signUp(server.url, 'ann'),
        signUp(server.url, 'ben'),
        signUp(server.url, 'cat'),
      ]);
      // Both open it at once, twice each: one room.
      const opened = await Promise.all([
        ann.api.room.openDirect.mutate({ username: ben.username }),
        ben.api.room.openDirect.mutate({ username: ann.username }),
        ann.api.room.openDirect.mutate({ username: ben.username.toUpperCase() }),
        ben.api.room.openDirect.mutate({ username: ann.username }),
      ]);
      const roomId = opened[0].id;
      expect(opened.map((r) => r.id)).toEqual([roomId, roomId, roomId, roomId]);
      expect(opened[0]).toMatchObject({ kind: 'direct', name: '' });
      const log = await ann.api.message.eventsAfter.query({ roomId, afterSeq: 0 });
      expect(log.events.map((e) => e.type === 'member.joined' && [e.seq, e.via])).toEqual([
        [1, 'direct'],
        [2, 'direct'],
      ]);
      const [annView] = await ann.api.room.mine.query();
      expect(annView).toMatchObject({ room: { id: roomId }, peer: ben.user, role: 'member' });

      expect(await refusal(cat.api.room.join.mutate({ roomId }))).toEqual({
        appCode: 'ROOM_NOT_FOUND',
        message: 'Room not found',
      });
      expect(await refusal(ann.api.room.update.mutate({ roomId, name: 'us' }))).toEqual({
        appCode: 'FORBIDDEN',
        message: 'A direct conversation cannot be changed',
      });
      expect(await refusal(ann.api.room.invite.mutate({ roomId, username: cat.username }))).toEqual(
        { appCode: 'FORBIDDEN', message: 'Nobody can be added to a direct conversation' },
      );
      expect(await refusal(ann.api.room.leave.mutate({ roomId }))).toEqual({
        appCode: 'FORBIDDEN',
        message: 'A direct conversation cannot be left',
      });
      expect(await refusal(ann.api.room.openDirect.mutate({ username: ann.username }))).toEqual({
        appCode: 'CONFLICT',
        message: 'A direct conversation needs another person',
      });
      expect(await refusal(ann.api.room.openDirect.mutate({ username: 'nobody_at_all' }))).toEqual({
        appCode: 'USER_NOT_FOUND',
        message: 'No user named nobody_at_all',
      });
      // Nothing above changed the conversation.
      expect(await ann.api.message.eventsAfter.query({ roomId, afterSeq: 0 })).toEqual(log);
      expect((await ann.api.room.members.query({ roomId })).map((m) => m.userId).sort()).toEqual(
        [ann.user.id, ben.user.id].sort(),
      );
      for (const u of [ann, ben, cat]) u.close();
    });
  });
});
