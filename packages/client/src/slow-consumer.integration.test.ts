import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { record } from './__tests__/recorder.js';
import {
  device,
  register,
  setUp,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient } from './client.js';

const LIMIT_BYTES = 256 * 1024;

describe('a device that stops reading', () => {
  let db: TestDatabaseFile;
  let server: TestServer;
  const clients: ChatClient[] = [];

  beforeEach(async () => {
    ({ db, server } = await setUp({ streamLimits: { maxBufferedBytes: LIMIT_BYTES } }));
  });
  afterEach(() => tearDown({ clients, server, db }));

  it('is cut off once its unsent buffer passes the limit, and resumes without loss', async () => {
    const alice = await register(server.url, 'alice');
    const bob = await register(server.url, 'bob');
    const publisher = device(server.url, alice.token, { autoConnect: false });
    const healthy = device(server.url, alice.token, { transport: 'ws' });
    clients.push(publisher, healthy);
    const healthySeen = record(healthy);
    await healthySeen.connected();
    const room = await publisher.api.room.create.mutate({ kind: 'public', name: 'flood' });
    await device(server.url, bob.token, { autoConnect: false }).api.room.join.mutate({
      roomId: room.id,
    });

    // Bob's device speaks tRPC's WebSocket protocol, then stops reading its socket.
    const raw = new WebSocket(`${server.url.replace('http', 'ws')}/trpc?connectionParams=1`);
    await new Promise<void>((resolve, reject) => {
      raw.once('open', () => resolve());
      raw.once('error', reject);
    });
    raw.send(JSON.stringify({ method: 'connectionParams', data: { token: bob.token } }));
    raw.send(
      JSON.stringify({
        id: 1,
        method: 'subscription',
        params: { path: 'events.onEvent', input: { cursors: { [room.id]: 2 }, resume: true } },
      }),
    );
    const started = new Promise<void>((resolve) => {
      raw.on('message', (data: Buffer) => {
        if (data.toString().includes('"type":"started"')) resolve();
      });
    });
    await started;
    const socket = (raw as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    expect(server.chat.stats().webSockets).toBe(2);

    const body = 'x'.repeat(3990);
    let sent = 0;
    // Bounded: at 4 kB a message, 4000 messages (16 MB) is far past the limit plus what the
    // kernel's socket buffers hold.
    while (server.chat.stats().webSockets === 2 && sent < 4000) {
      await publisher.send({ roomId: room.id, body: `${sent} ${body}` });
      sent++;
    }
    expect(server.chat.stats().webSockets).toBe(1);
    expect(sent).toBeLessThan(4000);
    // Reading again, the device finds the connection gone.
    socket.resume();
    await closed;
    // The healthy device kept up throughout.
    await healthySeen.until(
      () => healthySeen.bodies(room.id).length === sent,
      'the healthy device',
    );

    // Bob's device comes back and resumes from where it was: everything, once, in order.
    const resumed = device(server.url, bob.token, { transport: 'ws', cursors: { [room.id]: 2 } });
    clients.push(resumed);
    const seen = record(resumed);
    await seen.until(() => seen.bodies(room.id).length === sent, 'every message after resuming');
    expect(seen.bodies(room.id).map((b) => Number(b.split(' ')[0]))).toEqual(
      Array.from({ length: sent }, (_, i) => i),
    );
  });
});
