import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { startServer, type TestServer } from '../__tests__/server.js';
import { clientTextFrame, openRawWebSocket as openSocket } from '../__tests__/ws-raw.js';

const LIMIT_BYTES = 64 * 1024;
/** Frames per burst; a "PING" frame from a client is 10 bytes on the wire. */
const BURST = 20_000;
const burst = Buffer.concat(Array.from({ length: BURST }, () => clientTextFrame('PING')));
/** One-byte frames that are not JSON: each is answered with a ~130-byte error. */
const notJsonBurst = Buffer.concat(Array.from({ length: BURST }, () => clientTextFrame('x')));

// A full collection before each reading of the heap, so that it counts what is held, not
// garbage (the flag set at run time, as this file alone needs it).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const heapHeld = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

/** Resolves on the next turn of the event loop, when the server (in this process) has read. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** These floods are millions of frames: the address's frame budget (ws-frame-budget.test.ts) would end them first. */
const NO_FRAME_BUDGET = {
  wsFramesPerSecondPerAddress: Number.MAX_SAFE_INTEGER,
  wsFrameBurstPerAddress: Number.MAX_SAFE_INTEGER,
};

describe("a WebSocket's unread answers are bounded as a stream's events are", () => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url, {
      streamLimits: { maxBufferedBytes: LIMIT_BYTES },
      connectionLimits: NO_FRAME_BUDGET,
    });
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

    // The kernel's socket buffers take PONGs first: Linux grows a loopback receive buffer up to
    // tcp_rmem's maximum (32 MiB here), and the server's send buffer up to tcp_wmem's (4 MiB); the
    // cut came after 110-155 bursts. Bounded: 1,000 bursts are 20 million PINGs, 120 MB of PONGs,
    // far past that. Each burst waits until the server has taken the one before off the wire
    // (this side's buffer drained), so the bound counts what the server read: on a loaded machine
    // it reads less per turn, and bursts merely queued here ran out first.
    // (Not events.once: the cut comes as a write's ECONNRESET, which would reject it.)
    const drainedOrCut = () =>
      new Promise<void>((resolve) => {
        const done = () => {
          deaf.socket.off('drain', done).off('close', done);
          resolve();
        };
        deaf.socket.on('drain', done).on('close', done);
      });
    let bursts = 0;
    while (server.server.stats().webSockets === 2 && bursts < 1000) {
      if (!deaf.socket.write(burst)) await drainedOrCut();
      bursts += 1;
      await turn();
    }
    expect(server.server.stats().webSockets).toBe(1);
    expect(bursts).toBeLessThan(1000);

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

  it('a peer that floods requests is read no faster than it reads the answers: a deaf one costs one read of its frames, then the ping timeout drops it', async () => {
    // The default bound (4 MiB). By bytes alone, 32,000 error answers (~15 MB of heap) fitted
    // under it before the cut.
    const big = await startServer(db.url, {
      streamLimits: { maxBufferedBytes: 4 * 1024 * 1024 },
      wsPingMs: 500,
      wsPongWaitMs: 500,
      connectionLimits: NO_FRAME_BUDGET,
    });
    try {
      const deaf = await openSocket(big.url);
      deaf.socket.pause();
      const closed = once(deaf.ws, 'close');
      const before = heapHeld();
      let most = 0;
      let bursts = 0;
      while (big.server.stats().webSockets === 1 && bursts < 400) {
        // Once the server stops reading, the kernel's buffers fill and this one's queue: it
        // sends on regardless.
        deaf.socket.write(notJsonBurst);
        bursts += 1;
        await turn();
        most = Math.max(most, heapHeld() - before);
      }
      // Not cut for its bytes: dropped for not answering the server's ping (1006 here).
      expect(big.server.stats().webSockets).toBe(0);
      expect(bursts).toBeLessThan(400);
      // What one read of its socket asked (64 KiB, 9,362 of these frames): ~5.4 MB of heap
      // here, against 12.6 MB counted by bytes alone.
      expect(most).toBeLessThan(8 * 1024 * 1024);
      deaf.socket.destroy();
      await closed;

      // One that reads gets an answer for every frame, however many it sends at once.
      const reader = await openSocket(big.url);
      const sent = 5 * BURST;
      let answers = 0;
      const everyAnswer = new Promise<void>((resolve) => {
        reader.ws.on('message', (data: Buffer) => {
          if (JSON.parse(data.toString()).error.data.code === 'PARSE_ERROR' && ++answers === sent)
            resolve();
        });
      });
      for (let i = 0; i < 5; i += 1) reader.socket.write(notJsonBurst);
      await everyAnswer;
      expect(answers).toBe(sent);
      expect(big.server.stats().webSockets).toBe(1);
      reader.ws.close();
    } finally {
      await big.close();
    }
  });
});
