import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FaultyProxy } from './__tests__/proxy.js';
import { type Recorder, record } from './__tests__/recorder.js';
import {
  device,
  register,
  setUpWithProxy,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient, Transport } from './client.js';

const TRANSPORTS: Transport[] = ['ws', 'sse', 'poll'];

/** Asserts a room's events arrived once each, in seq order with no gap, ending at `lastSeq`. */
function expectContiguous(recorder: Recorder, roomId: string, firstSeq: number, lastSeq: number) {
  const seqs = recorder.roomEvents(roomId).map((e) => e.seq);
  expect(seqs).toEqual(Array.from({ length: lastSeq - firstSeq + 1 }, (_, i) => firstSeq + i));
}

describe.each(TRANSPORTS)('delivery over %s', (transport) => {
  let db: TestDatabaseFile;
  let server: TestServer;
  let proxy: FaultyProxy;
  const clients: ChatClient[] = [];
  const open = (token: string) => {
    const client = device(proxy.url, token, { transport });
    clients.push(client);
    return { client, seen: record(client) };
  };

  beforeEach(async () => {
    ({ db, server, proxy } = await setUpWithProxy());
  });
  afterEach(() => tearDown({ clients, proxy, server, db }));

  it('delivers each message once, in order, to two devices of one user and one of another', async () => {
    const alice = await register(server.url, 'alice');
    const bob = await register(server.url, 'bob');
    const [a1, a2, b1] = [open(alice.token), open(alice.token), open(bob.token)];
    await Promise.all([a1.seen.connected(), a2.seen.connected(), b1.seen.connected()]);
    expect(a1.client.transport).toBe(transport);

    const room = await a1.client.api.room.create.mutate({ kind: 'public', name: 'lobby' });
    await b1.client.api.room.join.mutate({ roomId: room.id });
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) {
      const from = i % 2 === 0 ? a1 : b1;
      const body = `message ${i} from ${from === a1 ? 'alice' : 'bob'}`;
      await from.client.send({ roomId: room.id, body });
      sent.push(body);
    }
    // Seqs: 1 alice joined (create), 2 bob joined, 3..12 the messages.
    for (const d of [a1, a2, b1])
      await d.seen.until(() => d.seen.bodies(room.id).length === 10, 'ten messages');
    expect(a1.seen.bodies(room.id)).toEqual(sent);
    expect(a2.seen.bodies(room.id)).toEqual(sent);
    expect(b1.seen.bodies(room.id)).toEqual(sent);
    expectContiguous(a1.seen, room.id, 1, 12);
    expectContiguous(a2.seen, room.id, 1, 12);
    expectContiguous(b1.seen, room.id, 2, 12);
  });

  it('ends with exactly seqs 1..N after its connection is cut several times mid-stream', async () => {
    const alice = await register(server.url, 'alice');
    const bob = await register(server.url, 'bob');
    const publisher = device(server.url, alice.token, { autoConnect: false });
    clients.push(publisher);
    const room = await publisher.api.room.create.mutate({ kind: 'public', name: 'firehose' });
    const subscriber = open(bob.token);
    await subscriber.seen.connected();
    await subscriber.client.api.room.join.mutate({ roomId: room.id });

    const total = 1000;
    const sending = (async () => {
      for (let i = 1; i <= total; i++) await publisher.send({ roomId: room.id, body: `m${i}` });
    })();
    // Cut the subscriber's connections (only it goes through the proxy) every time it has
    // received another 150 messages.
    for (let cut = 1; cut <= 4; cut++) {
      await subscriber.seen.until(
        () => subscriber.seen.bodies(room.id).length >= cut * 150,
        `${cut * 150} messages`,
      );
      proxy.cutAll();
    }
    await sending;
    await subscriber.seen.until(
      () => subscriber.seen.bodies(room.id).length === total,
      'all messages',
      60_000,
    );
    expect(subscriber.seen.bodies(room.id)).toEqual(
      Array.from({ length: total }, (_, i) => `m${i + 1}`),
    );
    expectContiguous(subscriber.seen, room.id, 2, total + 2);
    expect(
      subscriber.seen.states.filter((s) => s === 'reconnecting').length,
    ).toBeGreaterThanOrEqual(4);
  });

  it('sends a message queued while disconnected exactly once, even when the response is lost', async () => {
    const alice = await register(server.url, 'alice');
    const a1 = open(alice.token);
    const watcher = device(server.url, alice.token, { transport });
    clients.push(watcher);
    const watched = record(watcher);
    await Promise.all([a1.seen.connected(), watched.connected()]);
    const room = await watcher.api.room.create.mutate({ kind: 'private', name: 'notes' });

    // The server takes the request but its answer never comes back.
    proxy.swallowResponses = true;
    proxy.cutAll();
    const first = a1.client.send({ roomId: room.id, body: 'sent while the network was bad' });
    await watched.until(() => watched.bodies(room.id).length === 1, 'the message to be stored');
    expect(a1.client.outbox()).toMatchObject([
      { status: 'pending', body: 'sent while the network was bad' },
    ]);
    proxy.swallowResponses = false;
    const result = await first;
    expect(a1.client.outbox()).toEqual([]);

    const history = await watcher.api.message.history.query({ roomId: room.id });
    expect(history.messages.map((m) => [m.body, m.seq])).toEqual([
      ['sent while the network was bad', result.seq],
    ]);
    await a1.seen.until(() => a1.seen.bodies(room.id).length === 1, 'the sender device to see it');
  });
});
