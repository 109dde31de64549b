import { afterEach, describe, expect, it, vi } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { createLossyBus } from '../__tests__/lossy-bus.js';
import { bodies, eventsUntil, synced } from '../__tests__/raw-stream-events.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import { openRawSocket, type RawSocket } from '../__tests__/ws-raw.js';

/** A device's stream on a raw socket, subscribed and caught up (past its sync point). */
async function openStream(url: string, token: string): Promise<RawSocket> {
  const socket = await openRawSocket(url, { Authorization: `Bearer ${token}` });
  socket.ws.send(
    JSON.stringify({
      id: 1,
      method: 'subscription',
      params: { path: 'events.onEvent', input: {} },
    }),
  );
  await eventsUntil(socket, synced);
  return socket;
}

/**
 * What a device stream does when the bus fails as a networked one can: messages lost while
 * the link to the other nodes was down, and subscriptions that are not live at once.
 */
describe('device streams over a bus that loses messages', () => {
  let db: TestDatabase | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await db?.drop();
  });

  async function start() {
    db = sqliteDatabase();
    const lossy = createLossyBus();
    server = await startServer(db.url, {}, lossy.bus);
    return { url: server.url, lossy };
  }

  it('messages the bus lost arrive once the bus reports the gap, once each, in order, with nothing sent after', async () => {
    const { url, lossy } = await start();
    const ann = await signUp(url, 'ann');
    const bob = await signUp(url, 'bob');
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'gaps' });
    await bob.api.room.join.mutate({ roomId: room.id });
    const socket = await openStream(url, bob.token);

    lossy.drop();
    for (const body of ['one', 'two', 'three'])
      await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: body, body });
    lossy.restore();
    const events = await eventsUntil(socket, (e) => bodies(e).length >= 3);
    expect(bodies(events)).toEqual(['one', 'two', 'three']);
    // Nothing twice: the next live message follows directly.
    await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: 'four', body: 'four' });
    expect(bodies(await eventsUntil(socket, (e) => bodies(e).length >= 1))).toEqual(['four']);
    socket.close();
    ann.close();
    bob.close();
  });

  it('a room joined on another device while the bus was down is carried after the gap, from the join', async () => {
    const { url, lossy } = await start();
    const ann = await signUp(url, 'ann');
    const bob = await signUp(url, 'bob');
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'later' });
    const socket = await openStream(url, bob.token);

    lossy.drop();
    await bob.api.room.join.mutate({ roomId: room.id });
    await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: 'hi', body: 'welcome' });
    lossy.restore();
    const events = await eventsUntil(socket, (e) => bodies(e).length >= 1);
    const inRoom = events.filter((e) => 'roomId' in e && e.roomId === room.id);
    expect(inRoom.map((e) => e.type)).toEqual(['member.joined', 'message.created']);
    socket.close();
    ann.close();
    bob.close();
  });

  it('a session signed out while the bus was down ends its stream after the gap, and is not served from the cache', async () => {
    const { url, lossy } = await start();
    const cas = await signUp(url, 'cas');
    const socket = await openStream(url, cas.token);
    // Two calls: the second is served from the session cache (the user's topic is heard).
    await cas.api.auth.me.query();
    await cas.api.auth.me.query();

    lossy.drop();
    // Signed out elsewhere: this node's own forget() is bypassed by revoking in the store.
    const { store } = (server as TestServer).server.services;
    const sessionId = (await cas.api.auth.me.query()).sessionId;
    await store.revokeSession(cas.user.id, sessionId, Date.now());
    lossy.restore();

    const ended = await socket.next(1);
    let frame = ended;
    while (!frame.error) frame = await socket.next(1);
    expect(frame.error.data?.appCode).toBe('SESSION_REVOKED');
    await expect(cas.api.auth.me.query()).rejects.toMatchObject({
      data: { appCode: 'SESSION_REVOKED' },
    });
    socket.close();
    cas.close();
  });

  it('reads the rooms again once its subscriptions are live: a message sent before they were is delivered', async () => {
    const { url, lossy } = await start();
    const ann = await signUp(url, 'ann');
    const dan = await signUp(url, 'dan');
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'early' });
    await dan.api.room.join.mutate({ roomId: room.id });

    lossy.hold();
    const socket = await openRawSocket(url, { Authorization: `Bearer ${dan.token}` });
    socket.ws.send(
      JSON.stringify({
        id: 1,
        method: 'subscription',
        params: { path: 'events.onEvent', input: {} },
      }),
    );
    // The stream waits for its user topic, then reads its rooms and waits for the room's.
    await expect.poll(() => lossy.waiting()).toBeGreaterThanOrEqual(2);
    lossy.release();
    lossy.hold();
    await expect.poll(() => lossy.waiting()).toBe(1);
    // Sent while the room's subscription is not live: its bus message reaches nobody here.
    await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: 'early', body: 'early' });
    lossy.release();
    const events = await eventsUntil(socket, (e) => synced(e));
    expect(bodies(events)).toEqual(['early']);
    // Delivered by the second read, before the sync point.
    expect(events.findIndex((e) => e.type === 'message.created')).toBeLessThan(
      events.findIndex((e) => e.type === 'sync'),
    );
    socket.close();
    ann.close();
    dan.close();
  });

  it('a send whose bus publish fails is still acknowledged (it was committed), and arrives after the gap', async () => {
    const { url, lossy } = await start();
    const ann = await signUp(url, 'ann');
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'down' });
    const socket = await openStream(url, ann.token);
    const logged = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      lossy.fail();
      const sent = await ann.api.message.send.mutate({
        roomId: room.id,
        clientMsgId: 'x',
        body: 'kept',
      });
      expect(sent.seq).toBe(2);
      expect(String(logged.mock.calls[0]?.[0])).toContain('bus publish on room');
    } finally {
      logged.mockRestore();
    }
    lossy.restore();
    expect(bodies(await eventsUntil(socket, (e) => bodies(e).length >= 1))).toEqual(['kept']);
    socket.close();
    ann.close();
  });
});
