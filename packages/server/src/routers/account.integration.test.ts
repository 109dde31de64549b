import type { StreamEvent } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { connect, serverForSuite, signUp } from '../__tests__/server.js';
import { refusal } from '../notify/__tests__/fixtures.js';

const PASSWORD = 'correct horse battery';

/** A device's live stream: its events, a wait for one, and how it ended. */
function stream(api: ReturnType<typeof connect>['api']) {
  const events: StreamEvent[] = [];
  const waiters: { test: (e: StreamEvent) => boolean; resolve: () => void }[] = [];
  const ended = new Promise<unknown>((resolve) => {
    api.events.onEvent.subscribe(
      { cursors: {} },
      {
        onData: (tracked) => {
          const event = (tracked as { data: StreamEvent }).data;
          events.push(event);
          for (const w of waiters.splice(0)) {
            if (w.test(event)) w.resolve();
            else waiters.push(w);
          }
        },
        onError: resolve,
        onComplete: () => resolve('completed'),
      },
    );
  });
  const until = (test: (e: StreamEvent) => boolean) =>
    events.some(test)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ test, resolve }));
  return { events, until, ended, live: until((e) => e.type === 'sync') };
}

describe('account export and deletion', () => {
  const server = serverForSuite();

  it('the export holds the profile, settings, sessions, rooms, own messages and push subscriptions, and no secret', async () => {
    const ann = await signUp(server.url, 'ann');
    const bob = await signUp(server.url, 'bob');
    const anonymous = connect(server.url);
    const phone = await anonymous.api.auth.login.mutate({
      username: ann.username,
      password: PASSWORD,
      deviceLabel: 'phone',
    });
    anonymous.close();
    const room = await ann.api.room.create.mutate({ kind: 'private', name: 'plans', topic: 't' });
    await ann.api.room.invite.mutate({ roomId: room.id, username: bob.username });
    const lobby = await bob.api.room.create.mutate({ kind: 'public', name: 'lobby' });
    await ann.api.room.join.mutate({ roomId: lobby.id });
    await ann.api.notifications.setRoomMuted.mutate({ roomId: lobby.id, muted: true });
    await ann.api.auth.updateSettings.mutate({ shareReadReceipts: false });
    const one = await ann.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'a1',
      body: 'one',
    });
    await bob.api.message.send.mutate({ roomId: room.id, clientMsgId: 'b1', body: "bob's" });
    const two = await ann.api.message.send.mutate({
      roomId: lobby.id,
      clientMsgId: 'a2',
      body: 'two',
    });
    await ann.api.message.edit.mutate({ roomId: lobby.id, messageId: two.id, body: 'two!' });
    await ann.api.message.delete.mutate({ roomId: room.id, messageId: one.id });
    const { store } = server.server.services;
    await store.savePushSubscription({
      endpoint: 'https://push.example.com/send/ann-phone',
      userId: ann.user.id,
      sessionId: phone.session.id,
      p256dh: `B${'P'.repeat(86)}`,
      auth: 'S'.repeat(22),
      createdAt: 1_700_000_000_000,
    });

    const before = Date.now();
    const exported = await ann.api.account.export.query();
    const sessions = await ann.api.auth.sessions.query();
    const [roomNow, lobbyNow] = await Promise.all([
      ann.api.room.byId.query({ roomId: room.id }),
      ann.api.room.byId.query({ roomId: lobby.id }),
    ]);
    const history = async (roomId: string) =>
      (await ann.api.message.history.query({ roomId })).messages.filter(
        (m) => m.authorId === ann.user.id,
      );
    const joined = async (roomId: string) =>
      (await ann.api.room.members.query({ roomId })).find((m) => m.userId === ann.user.id)
        ?.joinedAt;
    expect(exported).toEqual({
      format: 'confab.account-export.v1',
      exportedAt: expect.any(Number),
      user: ann.user,
      settings: { shareReadReceipts: false },
      sessions,
      rooms: [
        {
          room: roomNow,
          role: 'owner',
          joinedAt: await joined(room.id),
          lastReadSeq: 0,
          muted: false,
          notificationLevel: 'all',
        },
        {
          room: lobbyNow,
          role: 'member',
          joinedAt: await joined(lobby.id),
          lastReadSeq: 0,
          muted: true,
          notificationLevel: 'mentions',
        },
      ],
      messages: [...(await history(room.id)), ...(await history(lobby.id))],
      pushSubscriptions: [
        {
          endpoint: 'https://push.example.com/send/ann-phone',
          sessionId: phone.session.id,
          createdAt: 1_700_000_000_000,
        },
      ],
    });
    expect(exported.exportedAt).toBeGreaterThanOrEqual(before);
    expect(exported.sessions.map((s) => [s.deviceLabel, s.current]).sort()).toEqual([
      ['Unnamed device', true],
      ['phone', false],
    ]);
    expect(exported.messages.map((m) => [m.clientMsgId, m.body, m.deletedAt !== null])).toEqual([
      ['a1', '', true],
      ['a2', 'two!', false],
    ]);
    // No token, token hash, password hash or push key anywhere in it.
    const text = JSON.stringify(exported);
    const record = await store.userByUsername(ann.username);
    const sessionRecords = await store.sessionsOf(ann.user.id);
    for (const secret of [
      ann.token,
      phone.token,
      record?.passwordHash ?? 'missing',
      ...sessionRecords.map((s) => s.tokenHash),
      'P'.repeat(86),
      'S'.repeat(22),
    ])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/scrypt\$|\$argon2|tokenHash|passwordHash|p256dh|"auth"/);
    for (const u of [ann, bob]) u.close();
  });

  it('the export lists messages oldest first, whatever their clientMsgIds', async () => {
    const ann = await signUp(server.url, 'ann');
    const room = await ann.api.room.create.mutate({ kind: 'private', name: 'order' });
    // The store reads them in clientMsgId order (z, m, a reversed); the export sorts by time.
    const sent: [string, string][] = [];
    for (const clientMsgId of ['z', 'm', 'a']) {
      const { id } = await ann.api.message.send.mutate({
        roomId: room.id,
        clientMsgId,
        body: clientMsgId,
      });
      sent.push([clientMsgId, id]);
    }
    const exported = await ann.api.account.export.query();
    expect(exported.messages.map((m) => [m.clientMsgId, m.id])).toEqual(sent);
    ann.close();
  });

  it('deletion needs the password; then every session ends, others see member.left, messages stay as "Deleted user"', async () => {
    const ann = await signUp(server.url, 'ann');
    const bob = await signUp(server.url, 'bob');
    const cy = await signUp(server.url, 'cy');
    const anonymous = connect(server.url);
    const phoneAuth = await anonymous.api.auth.login.mutate({
      username: ann.username,
      password: PASSWORD,
    });
    const phone = connect(server.url, phoneAuth.token);
    // ann owns `team` (bob an admin, cy a member) and is a member of bob's `club`.
    const team = await ann.api.room.create.mutate({ kind: 'private', name: 'team' });
    await ann.api.room.invite.mutate({ roomId: team.id, username: cy.username });
    await ann.api.room.invite.mutate({ roomId: team.id, username: bob.username });
    await ann.api.room.setRole.mutate({ roomId: team.id, userId: bob.user.id, role: 'admin' });
    const club = await bob.api.room.create.mutate({ kind: 'public', name: 'club' });
    await ann.api.room.join.mutate({ roomId: club.id });
    const sent = await ann.api.message.send.mutate({
      roomId: team.id,
      clientMsgId: 'hello',
      body: 'hello team',
    });
    const direct = await ann.api.room.openDirect.mutate({ username: cy.username });

    const annStream = stream(ann.api);
    const phoneStream = stream(phone.api);
    const bobStream = stream(bob.api);
    await Promise.all([annStream.live, phoneStream.live, bobStream.live]);

    // A wrong password changes nothing.
    expect(await refusal(ann.api.account.delete.mutate({ password: 'not my password' }))).toEqual({
      appCode: 'INVALID_CREDENTIALS',
      message: 'Wrong password',
    });
    expect(await refusal(ann.api.account.delete.mutate({ password: '' }))).toMatchObject({
      appCode: 'VALIDATION',
    });
    expect((await phone.api.auth.me.query()).user).toEqual(ann.user);
    expect((await ann.api.room.members.query({ roomId: team.id })).length).toBe(3);

    expect(await ann.api.account.delete.mutate({ password: PASSWORD })).toEqual({ ok: true });

    // Both of ann's streams end at once, signed out; so does every call with her tokens.
    for (const ended of [annStream.ended, phoneStream.ended])
      expect(await refusal(ended.then((e) => Promise.reject(e)))).toEqual({
        appCode: 'SESSION_REVOKED',
        message: 'This session was signed out',
      });
    for (const api of [ann.api, phone.api])
      expect(await refusal(api.auth.me.query())).toEqual({
        appCode: 'SESSION_REVOKED',
        message: 'This session was signed out',
      });
    // Bob's device sees her leave both rooms they shared, in each room's order.
    const left = (roomId: string) => (e: StreamEvent) =>
      e.type === 'member.left' && e.roomId === roomId && e.userId === ann.user.id;
    await Promise.all([bobStream.until(left(team.id)), bobStream.until(left(club.id))]);
    expect(bobStream.events.filter((e) => e.type === 'member.left')).toHaveLength(2);

    // The room she owned went to its admin; nobody is left without an owner.
    expect(
      (await bob.api.room.members.query({ roomId: team.id })).map((m) => [m.userId, m.role]),
    ).toEqual([
      [cy.user.id, 'member'],
      [bob.user.id, 'owner'],
    ]);
    // Her message stays in history, by her (now anonymised) account.
    const history = await bob.api.message.history.query({ roomId: team.id });
    expect(history.messages.map((m) => [m.id, m.authorId, m.body])).toEqual([
      [sent.id, ann.user.id, 'hello team'],
    ]);
    const { store } = server.server.services;
    expect(await store.userById(ann.user.id)).toMatchObject({ displayName: 'Deleted user' });
    expect((await store.userById(ann.user.id))?.username).not.toBe(ann.username);
    // The direct conversation shows cy no peer any more.
    const cyRooms = await cy.api.room.mine.query();
    expect(cyRooms.find((s) => s.room.id === direct.id)?.peer).toBeNull();
    // She cannot sign in; her name is free for somebody new.
    expect(
      await refusal(
        anonymous.api.auth.login.mutate({ username: ann.username, password: PASSWORD }),
      ),
    ).toEqual({ appCode: 'INVALID_CREDENTIALS', message: 'Wrong username or password' });
    const again = await anonymous.api.auth.register.mutate({
      username: ann.username,
      displayName: 'New Ann',
      password: PASSWORD,
    });
    expect(again.user.id).not.toBe(ann.user.id);
    expect(await store.pushSubscriptionsOwnedBy(ann.user.id)).toEqual([]);
    anonymous.close();
    for (const c of [ann, bob, cy, phone]) c.close();
  });

  it('room retention: members read it, only the owner or an admin sets it, within bounds', async () => {
    const owner = await signUp(server.url, 'own');
    const member = await signUp(server.url, 'mem');
    const room = await owner.api.room.create.mutate({ kind: 'private', name: 'kept' });
    await owner.api.room.invite.mutate({ roomId: room.id, username: member.username });
    expect(await member.api.room.retention.query({ roomId: room.id })).toEqual({
      roomId: room.id,
      retentionDays: null,
      startSeq: 1,
    });
    expect(
      await refusal(member.api.room.setRetention.mutate({ roomId: room.id, retentionDays: 1 })),
    ).toEqual({
      appCode: 'FORBIDDEN',
      message: "Only the room's owner or an admin can set its retention",
    });
    for (const retentionDays of [0, 1.5, 36_501, -3])
      expect(
        await refusal(owner.api.room.setRetention.mutate({ roomId: room.id, retentionDays })),
      ).toMatchObject({ appCode: 'VALIDATION' });
    expect(await member.api.room.retention.query({ roomId: room.id })).toMatchObject({
      retentionDays: null,
    });
    expect(await owner.api.room.setRetention.mutate({ roomId: room.id, retentionDays: 7 })).toEqual(
      {
        roomId: room.id,
        retentionDays: 7,
        startSeq: 1,
      },
    );
    // Applied: the history page says where history now begins.
    await owner.api.message.send.mutate({ roomId: room.id, clientMsgId: 'old', body: 'old' });
    await owner.api.message.send.mutate({ roomId: room.id, clientMsgId: 'new', body: 'new' });
    const { store } = server.server.services;
    // Everything up to the first message (seq 3) is older than a cutoff just after it was sent.
    const first = (await owner.api.message.history.query({ roomId: room.id })).messages[0];
    await store.truncateRoomLog(room.id, { olderThan: (first?.createdAt ?? 0) + 1, maxRows: 100 });
    const page = await member.api.message.history.query({ roomId: room.id });
    expect([page.messages.map((m) => m.body), page.hasMore, page.startSeq]).toEqual([
      ['new'],
      false,
      4,
    ]);
    expect(
      await owner.api.room.setRetention.mutate({ roomId: room.id, retentionDays: null }),
    ).toEqual({
      roomId: room.id,
      retentionDays: null,
      startSeq: 4,
    });
    owner.close();
    member.close();
  });
});
