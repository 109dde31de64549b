import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectConfabDevices } from './confab-device.js';
import { type ConfabFixture, createFixture } from './confab-fixture.js';
import { confabHttp } from './confab-http.js';
import { startConfabServer } from './confab-server.js';
import { retryOnReset } from './retry.js';
import type { Driver } from './types.js';

/** Connections a publisher keeps open (sends in flight at once beyond these wait for one). */
const PUBLISH_CONNECTIONS = 16;

let dir: string | undefined;
let fixture: ConfabFixture | undefined;

const databasePath = () => {
  if (!dir) throw new Error('confabDriver.prepare() has not run');
  return join(dir, 'confab.db');
};
const prepared = (): ConfabFixture => {
  if (!fixture) throw new Error('confabDriver.prepare() has not run');
  return fixture;
};
const start = () => startConfabServer({ databaseUrl: databasePath() });

/**
 * The fixture prepare() made and the SQLite file holding it, for workloads that start their own
 * Confab servers on it (resume storm, max devices) or hand it to load-client processes.
 */
export const confabFixture = (): ConfabFixture & { databasePath: string } => ({
  ...prepared(),
  databasePath: databasePath(),
});

/**
 * Confab through its real path: devices subscribe to `events.onEvent` over tRPC's WebSocket
 * protocol with their session token in connectionParams (live once the `sync` event arrives);
 * messages are posted with `message.send` over HTTP, round-robin over the room's members (the
 * server allows each user 10 sends/s).
 */
export const confabDriver: Driver = {
  name: 'confab',
  label: 'Confab',

  async prepare(config) {
    dir = await mkdtemp(join(tmpdir(), 'confab-bench-'));
    const server = await start();
    try {
      fixture = await createFixture(`http://127.0.0.1:${server.port}`, config.confabUsers);
    } finally {
      await server.stop();
    }
  },

  start,

  subscribe: (server, count, sink) =>
    connectConfabDevices(server.port, count, prepared().tokens, sink),

  async publisher(server, sink) {
    const { roomId, tokens } = prepared();
    // Keep-alive connections through node:http: a browser's fetch costs little, Node's global
    // fetch ~0.5 ms of the load generator's CPU per call, and that showed in the latency figures.
    const http = confabHttp(server.port, PUBLISH_CONNECTIONS);
    const nonce = `${process.pid}.${Date.now().toString(36)}`;
    let next = 0;
    let closing = false;
    const inFlight = new Set<Promise<void>>();
    return {
      publish(index, body) {
        const token = tokens[next++ % tokens.length] ?? '';
        const clientMsgId = `${nonce}.${index}`;
        // Resent as-is when the connection is reset: the clientMsgId makes it idempotent.
        const sent = retryOnReset(() =>
          http.mutation('message.send', { roomId, clientMsgId, body }, token),
        ).then(
          () => undefined,
          (error: unknown) => {
            if (!closing)
              sink.fail(`publish ${index}: ${error instanceof Error ? error.message : error}`);
          },
        );
        inFlight.add(sent);
        void sent.finally(() => inFlight.delete(sent));
      },
      async close() {
        await Promise.all(inFlight);
        closing = true;
        http.close();
      },
    };
  },

  async dispose() {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
    fixture = undefined;
  },
};
