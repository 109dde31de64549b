import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { startServer, type TestServer } from '../__tests__/server.js';

const LIMIT_BYTES = 64 * 1024;
/** Frames per burst; a masked "PING" text frame with a zero mask is 10 bytes on the wire. */
const BURST = 20_000;
const PING_FRAME = Buffer.from([0x81, 0x84, 0, 0, 0, 0, ...Buffer.from('PING')]);
const burst = Buffer.concat(Array.from({ length: BURST }, () => PING_FRAME));

async function openSocket(url: string): Promise<{ ws: WebSocket; socket: Socket }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/trpc`);
  await once(ws, 'open');
  return { ws, socket: (ws as unknown as { _socket: Socket })._socket };
}

/** Resolves on the next turn of the event loop, when the server (in this process) has read. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("a WebSocket's unread answers are bounded as a stream's events are", () => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url, { streamLimits: { maxBufferedBytes: LIMIT_BYTES } });
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  it('a peer that floods PINGs and never reads the PONGs is cut off (4008); one that reads is not', async () => {
    const reader = await openSocket(server.url);
    const deaf = await openSocket(server.url);
    deaf.socket.pause();
    expect(server.server.stats().webSockets).toBe(2);

    // Bounded: 200 bursts are 4 million PINGs, 24 MB of PONGs, far past the limit and what the
    // kernel's socket buffers hold.
    let bursts = 0;
    while (server.server.stats().webSockets === 2 && bursts < 200) {
      deaf.socket.write(burst);
      bursts += 1;
      await turn();
    }
    expect(server.server.stats().webSockets).toBe(1);
    expect(bursts).toBeLessThan(200);

    // The socket that reads its answers sends as many and gets every PONG.
    const sent = 5 * BURST;
    let pongs = 0;
    const everyPong = new Promise<void>((resolve) => {
      reader.ws.on('message', (data: Buffer) => {
        if (data.toString() === 'PONG' && ++pongs === sent) resolve();
      });
    });
    for (let i = 0; i < 5; i += 1) reader.socket.write(burst);
    await everyPong;
    expect(pongs).toBe(sent);
    expect(server.server.stats().webSockets).toBe(1);
    reader.ws.close();
    deaf.ws.terminate();
  });
});
