import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { record } from './__tests__/recorder.js';
import {
  device,
  register,
  setUp,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient, StateChange, Transport } from './client.js';
import { errorCodeOf } from './errors.js';

const TRANSPORTS: Transport[] = ['ws', 'sse', 'poll'];

describe.each(TRANSPORTS)('stream rules over %s', (transport) => {
  let db: TestDatabaseFile;
  let server: TestServer;
  const clients: ChatClient[] = [];
  const open = (token: string, options: Parameters<typeof device>[2] = {}) => {
    const client = device(server.url, token, { transport, ...options });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    ({ db, server } = await setUp());
  });
  afterEach(() => tearDown({ clients, server, db }));

  it('stops delivering a room to a member the moment they are removed', async () => {
    const owner = await register(server.url, 'owner');
    const guest = await register(server.url, 'guest');
    const admin = open(owner.token, { autoConnect: false });
    const guestDevice = open(guest.token);
    const seen = record(guestDevice);
    await seen.connected();
    const room = await admin.api.room.create.mutate({ kind: 'private', name: 'staff' });
    await admin.api.room.invite.mutate({ roomId: room.id, username: guest.username });
    await admin.send({ roomId: room.id, body: 'welcome' });
    await seen.until(() => seen.bodies(room.id).length === 1, 'the welcome');

    await admin.api.room.removeMember.mutate({ roomId: room.id, userId: guest.userId });
    await seen.until(
      () => seen.roomEvents(room.id).some((e) => e.type === 'member.removed'),
      'the removal',
    );
    await admin.send({ roomId: room.id, body: 'after removal' });
    // A second room proves the stream is still live and would have shown a leak by now.
    const other = await admin.api.room.create.mutate({ kind: 'public', name: 'open' });
    await guestDevice.api.room.join.mutate({ roomId: other.id });
    await admin.send({ roomId: other.id, body: 'still here' });
    await seen.until(() => seen.bodies(other.id).length === 1, 'the other room');
    expect(seen.bodies(room.id)).toEqual(['welcome']);
    expect(seen.roomEvents(room.id).map((e) => e.type)).toEqual([
      'member.joined',
      'message.created',
      'member.removed',
    ]);
  });

  it('ends the stream of a revoked session and leaves the other device connected', async () => {
    const user = await register(server.url, 'user');
    const laptop = open(user.token);
    const second = await laptop.api.auth.login.mutate({
      username: user.username,
      password: 'correct horse battery',
    });
    const phone = open(second.token);
    const laptopSeen = record(laptop);
    const phoneSeen = record(phone);
    await Promise.all([laptopSeen.connected(), phoneSeen.connected()]);
    const closed = new Promise<StateChange>((resolve) =>
      phone.on('state', (s) => s.state === 'closed' && resolve(s)),
    );

    await laptop.api.auth.revokeSession.mutate({ sessionId: second.session.id });
    const final = await closed;
    expect(errorCodeOf(final.error)).toBe('SESSION_REVOKED');
    expect(laptop.state).toBe('connected');
  });

  it('replays a room joined on another device while this one was away', async () => {
    const user = await register(server.url, 'user');
    const friend = await register(server.url, 'friend');
    const first = open(user.token);
    const seen = record(first);
    await seen.connected();
    let saved = first.cursors();
    first.on('synced', (cursors) => {
      saved = cursors;
    });
    first.close();

    // While the device is away: a friend's room is joined from another device and used.
    const other = open(friend.token, { autoConnect: false });
    const room = await other.api.room.create.mutate({ kind: 'public', name: 'while away' });
    const elsewhere = open(user.token, { autoConnect: false });
    await elsewhere.api.room.join.mutate({ roomId: room.id });
    await other.send({ roomId: room.id, body: 'hello from the friend' });

    const back = open(user.token, { cursors: saved });
    const backSeen = record(back);
    await backSeen.until(() => backSeen.bodies(room.id).length === 1, 'the missed message');
    expect(backSeen.roomEvents(room.id).map((e) => e.type)).toEqual([
      'member.joined',
      'message.created',
    ]);
  });

  it('says a room is gone when the user was removed while this device was away', async () => {
    const owner = await register(server.url, 'owner');
    const guest = await register(server.url, 'guest');
    const admin = open(owner.token, { autoConnect: false });
    const room = await admin.api.room.create.mutate({ kind: 'private', name: 'temporary' });
    await admin.api.room.invite.mutate({ roomId: room.id, username: guest.username });
    const first = open(guest.token);
    const seen = record(first);
    await seen.until(() => room.id in first.cursors(), 'the room');
    const saved = first.cursors();
    first.close();
    await admin.api.room.removeMember.mutate({ roomId: room.id, userId: guest.userId });

    const back = open(guest.token, { cursors: saved });
    const left = new Promise<string>((resolve) => back.on('left', ({ roomId }) => resolve(roomId)));
    expect(await left).toBe(room.id);
    expect(back.cursors()).toEqual({});
  });

  it("tells the user's devices when the read marker moves", async () => {
    const user = await register(server.url, 'user');
    const a = open(user.token);
    const b = open(user.token);
    const seenB = record(b);
    await Promise.all([record(a).connected(), seenB.connected()]);
    const room = await a.api.room.create.mutate({ kind: 'private', name: 'mine' });
    await a.send({ roomId: room.id, body: 'note' });
    await a.api.message.markRead.mutate({ roomId: room.id, seq: 2 });
    await seenB.until(() => seenB.events.some((e) => e.type === 'read.updated'), 'the read marker');
    expect(seenB.events.filter((e) => e.type === 'read.updated')).toEqual([
      { type: 'read.updated', roomId: room.id, lastReadSeq: 2 },
    ]);
  });
});
