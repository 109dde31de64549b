import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FaultyProxy } from './__tests__/proxy.js';
import { record } from './__tests__/recorder.js';
import {
  device,
  register,
  setUpWithProxy,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient, Transport } from './client.js';

/** The SDK's HTTP requests that carried a message.send (batched or not). */
function httpSends(fetchSpy: { mock: { calls: unknown[][] } }): number {
  return fetchSpy.mock.calls.filter(([url]) => String(url).includes('message.send')).length;
}

describe('where the outbox sends', () => {
  let db: TestDatabaseFile;
  let server: TestServer;
  let proxy: FaultyProxy;
  const clients: ChatClient[] = [];

  beforeEach(async () => {
    ({ db, server, proxy } = await setUpWithProxy());
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await tearDown({ clients, proxy, server, db });
  });

  it.each([
    ['ws', 0],
    ['sse', 3],
    ['poll', 3],
  ] as const)(
    'over %s: %i HTTP requests for three messages',
    async (transport: Transport, expected) => {
      const alice = await register(server.url, 'alice');
      const client = device(server.url, alice.token, { transport });
      clients.push(client);
      const seen = record(client);
      await seen.connected();
      const room = await client.api.room.create.mutate({ kind: 'private', name: transport });
      const fetchSpy = vi.spyOn(globalThis, 'fetch');
      const results = [];
      for (const body of ['one', 'two', 'three'])
        results.push(await client.send({ roomId: room.id, body }));
      await seen.until(() => seen.bodies(room.id).length === 3, 'three messages');
      expect(seen.bodies(room.id)).toEqual(['one', 'two', 'three']);
      expect(results.map((r) => r.seq)).toEqual([2, 3, 4]);
      // On a WebSocket each message is a frame on the open socket, not a request of its own.
      expect(httpSends(fetchSpy)).toBe(expected);
    },
  );

  it('a message sent into a socket that went dead is sent again once the device reconnects, once', async () => {
    const alice = await register(server.url, 'alice');
    const client = device(proxy.url, alice.token, { transport: 'ws' });
    clients.push(client);
    const seen = record(client);
    await seen.connected();
    const room = await client.api.room.create.mutate({ kind: 'private', name: 'dead socket' });
    await client.send({ roomId: room.id, body: 'before' });

    // The network vanishes under the open socket: the frame goes nowhere and nothing says so.
    proxy.frozen = true;
    const frozenAt = Date.now();
    const sending = client.send({ roomId: room.id, body: 'into the void' });
    // The send waits for its answer, so the socket is checked at once: no frame within 2 s, a
    // ping, and no answer by 4.5 s after the send (socket-watch.ts). (tRPC's link alone said so
    // only when the server dropped the socket, ~17 s; the bound tells them apart.)
    await seen.until(() => client.state === 'reconnecting', 'the dead socket to be noticed');
    expect(Date.now() - frozenAt).toBeLessThan(10_000);
    proxy.frozen = false;
    const result = await sending;
    await seen.until(() => seen.bodies(room.id).length === 2, 'both messages');
    expect(seen.bodies(room.id)).toEqual(['before', 'into the void']);
    expect(client.outbox()).toEqual([]);
    const history = await client.api.message.history.query({ roomId: room.id });
    expect(history.messages.map((m) => [m.body, m.seq])).toEqual([
      ['before', 2],
      ['into the void', result.seq],
    ]);
  });
});
