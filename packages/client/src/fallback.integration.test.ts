import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
import type { ChatClient } from './client.js';

describe("transport 'auto' behind proxies that refuse transports", () => {
  let db: TestDatabaseFile;
  let server: TestServer;
  let proxy: FaultyProxy;
  const clients: ChatClient[] = [];

  beforeEach(async () => {
    ({ db, server, proxy } = await setUpWithProxy());
  });
  afterEach(() => tearDown({ clients, proxy, server, db }));

  /** Alice posts through the server directly; Bob listens through the proxy with 'auto'. */
  async function scenario() {
    const alice = await register(server.url, 'alice');
    const bob = await register(server.url, 'bob');
    const publisher = device(server.url, alice.token, { autoConnect: false });
    const listener = device(proxy.url, bob.token, { transport: 'auto' });
    clients.push(publisher, listener);
    const seen = record(listener);
    await seen.connected();
    const room = await publisher.api.room.create.mutate({ kind: 'public', name: 'fallback' });
    await listener.api.room.join.mutate({ roomId: room.id });
    await publisher.send({ roomId: room.id, body: 'first' });
    await seen.until(() => seen.bodies(room.id).length === 1, 'the first message');
    // Resume still holds on the fallback transport: cut it, post while it is down, reconnect.
    proxy.cutAll();
    await publisher.send({ roomId: room.id, body: 'while cut' });
    await publisher.send({ roomId: room.id, body: 'after' });
    await seen.until(() => seen.bodies(room.id).length === 3, 'three messages');
    expect(seen.bodies(room.id)).toEqual(['first', 'while cut', 'after']);
    expect(seen.roomEvents(room.id).map((e) => e.seq)).toEqual([2, 3, 4, 5]);
    return listener;
  }

  it('uses WebSocket when it can', async () => {
    const listener = await scenario();
    expect(listener.transport).toBe('ws');
  });

  it('falls back to SSE when WebSocket upgrades are refused', async () => {
    proxy.blockWebSocket = true;
    const listener = await scenario();
    expect(listener.transport).toBe('sse');
  });

  it('falls back to long polling when SSE is refused too', async () => {
    proxy.blockWebSocket = true;
    proxy.blockSse = true;
    const listener = await scenario();
    expect(listener.transport).toBe('poll');
  });
});
