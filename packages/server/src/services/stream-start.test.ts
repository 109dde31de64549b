import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { createLossyBus } from '../__tests__/lossy-bus.js';
import { bodies, eventsUntil, synced } from '../__tests__/raw-stream-events.js';
import { signUp } from '../__tests__/server.js';
import { openRawSocket, type RawSocket } from '../__tests__/ws-raw.js';
import { createStoreFromUrl } from '../adapters/kysely/store.js';
import { type ChatServer, createChatServer } from '../http/server.js';
import type { Store } from '../ports/store.js';
import { unreachableRateRules } from './abuse-limits.js';

/**
 * How a device stream starts (services/device-session.ts, begin): the rooms a resuming device
 * names are followed before the store is read, so that one read of the rooms' heads is enough;
 * a room it does not name is followed after the read, and the heads are read again.
 */
describe('a device stream starting', () => {
  let db: TestDatabase | undefined;
  let server: ChatServer | undefined;
  afterEach(async () => {
    await server?.close();
    await db?.drop();
  });

  /** A server over a lossy bus whose store counts roomSeqsOf and can run `afterRead` once. */
  async function start() {
    db = sqliteDatabase();
    const real = await createStoreFromUrl(db.url);
    const lossy = createLossyBus();
    const reads = { count: 0, afterRead: undefined as (() => Promise<void>) | undefined };
    const store: Store = {
      ...real,
      async roomSeqsOf(userId) {
        const heads = await real.roomSeqsOf(userId);
        reads.count += 1;
        const hook = reads.afterRead;
        reads.afterRead = undefined;
        await hook?.();
        return heads;
      },
    };
    server = createChatServer({
      store,
      bus: lossy.bus,
      config: { rateLimits: unreachableRateRules() },
    });
    const url = await server.listen(0);
    return { url, lossy, reads };
  }

  async function stream(url: string, token: string, input: unknown): Promise<RawSocket> {
    const socket = await openRawSocket(url, { Authorization: `Bearer ${token}` });
    socket.ws.send(
      JSON.stringify({
        id: 1,
        method: 'subscription',
        params: { path: 'events.onEvent', input },
      }),
    );
    return socket;
  }

  it('a resuming device naming its rooms reads their heads once; a message sent just after the read arrives once', async () => {
    const { url, reads } = await start();
    const ann = await signUp(url, 'ann');
    const bob = await signUp(url, 'bob');
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'resume' });
    await bob.api.room.join.mutate({ roomId: room.id });
    const had = await ann.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'a',
      body: 'had',
    });

    // The device is up to date as of the read, so nothing is backfilled: a message committed
    // after the read, before the stream is live, can only come on the bus, which the named
    // room was followed on before the read.
    reads.count = 0;
    reads.afterRead = async () => {
      await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: 'b', body: 'late' });
    };
    const socket = await stream(url, bob.token, { cursors: { [room.id]: had.seq }, resume: true });
    const events = await eventsUntil(socket, (e) => bodies(e).length >= 1);
    expect(bodies(events)).toEqual(['late']);
    expect(reads.count).toBe(1);
    // Nothing twice: the next one follows directly.
    await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: 'c', body: 'next' });
    expect(bodies(await eventsUntil(socket, (e) => bodies(e).length >= 1))).toEqual(['next']);
    socket.close();
    ann.close();
    bob.close();
  });

  it('a device that names no rooms has them read again once they are followed (a message sent before that is delivered)', async () => {
    const { url, lossy, reads } = await start();
    const ann = await signUp(url, 'ann');
    const dan = await signUp(url, 'dan');
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'fresh' });
    await dan.api.room.join.mutate({ roomId: room.id });

    reads.count = 0;
    lossy.hold();
    // Sent after the first read, while the room's subscription (made after it) is not live.
    reads.afterRead = async () => {
      await ann.api.message.send.mutate({ roomId: room.id, clientMsgId: 'e', body: 'early' });
    };
    const socket = await stream(url, dan.token, { cursors: {}, resume: true });
    // The user's topic and broadcast, then the room's once the read is done.
    await expect.poll(() => lossy.waiting()).toBeGreaterThanOrEqual(2);
    lossy.release();
    lossy.hold();
    await expect.poll(() => lossy.waiting()).toBe(1);
    lossy.release();
    const events = await eventsUntil(socket, synced);
    expect(bodies(events)).toEqual(['early']);
    expect(reads.count).toBe(2);
    socket.close();
    ann.close();
    dan.close();
  });

  it('a named room the user is not a member of is not carried, and its subscription is dropped', async () => {
    const { url, lossy } = await start();
    const ann = await signUp(url, 'ann');
    const eve = await signUp(url, 'eve');
    const mine = await eve.api.room.create.mutate({ kind: 'private', name: 'eve' });
    const theirs = await ann.api.room.create.mutate({ kind: 'private', name: 'secret' });
    await ann.api.message.send.mutate({ roomId: theirs.id, clientMsgId: 's1', body: 'secret' });

    const socket = await stream(url, eve.token, {
      cursors: { [mine.id]: 1, [theirs.id]: 0 },
      resume: true,
    });
    const events = await eventsUntil(socket, synced);
    expect(events.some((e) => 'roomId' in e && e.roomId === theirs.id)).toBe(false);
    const sync = events.find((e) => e.type === 'sync');
    expect(sync?.type === 'sync' && sync.cursors).toEqual({ [mine.id]: 1 });
    expect(lossy.handlers(`room:${theirs.id}`)).toBe(0);
    expect(lossy.handlers(`room:${mine.id}`)).toBe(1);
    await ann.api.message.send.mutate({ roomId: theirs.id, clientMsgId: 's2', body: 'secret 2' });
    await eve.api.message.send.mutate({ roomId: mine.id, clientMsgId: 'm', body: 'mine' });
    const after = await eventsUntil(socket, (e) => bodies(e).length >= 1);
    expect(bodies(after)).toEqual(['mine']);
    socket.close();
    ann.close();
    eve.close();
  });
});
