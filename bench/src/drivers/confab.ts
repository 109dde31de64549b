import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectConfabDevices } from './confab-device.js';
import { type ConfabFixture, createFixture } from './confab-fixture.js';
import { startConfabServer } from './confab-server.js';
import { wsPublisher } from './confab-ws-publisher.js';
import type { Driver } from './types.js';

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
 * Confab through its real path, as the SDK takes it: devices subscribe to `events.live` over
 * tRPC's WebSocket protocol with their session token in connectionParams (live once the `sync`
 * event arrives); messages are sent with `message.send` over a WebSocket of the sender's,
 * round-robin over the room's members (the server allows each user 10 sends/s).
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
    // Message i as user i mod users (the per-user send limit).
    return wsPublisher([server.port], roomId, (index) => tokens[index % tokens.length] ?? '', sink);
  },

  async dispose() {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
    fixture = undefined;
  },
};
