import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { indexOfBody, isRecord } from '../payload.js';
import { type ConfabFixture, createFixture } from './confab-fixture.js';
import { confabMutation } from './confab-http.js';
import { startServer } from './process.js';
import { trpcSubscription } from './trpc-ws.js';
import type { Driver } from './types.js';
import { closeSockets, openMany } from './ws-util.js';

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
const start = () => startServer('confab', { args: [databasePath()], cpuFrom: 'proc' });

/** seq and body of a message.created event, else undefined. */
function readMessageCreated(event: unknown): { seq: number; body: string } | undefined {
  if (!isRecord(event) || event.type !== 'message.created') return undefined;
  const { seq, message } = event;
  if (typeof seq !== 'number' || !isRecord(message) || typeof message.body !== 'string')
    return undefined;
  return { seq, body: message.body };
}

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

  async subscribe(server, count, sink) {
    const { tokens } = prepared();
    let closing = false;
    const sockets = await openMany(count, (i): Promise<WebSocket> => {
      const token = tokens[i % tokens.length];
      if (!token) throw new Error('No users');
      return trpcSubscription({
        url: `ws://127.0.0.1:${server.port}/trpc`,
        connectionParams: { token },
        path: 'events.onEvent',
        input: { cursors: {}, resume: false },
        what: `device ${i}`,
        fail: sink.fail,
        closing: () => closing,
        liveOnStarted: false,
        onData(event) {
          const message = readMessageCreated(event);
          if (message) sink.deliver(i, message.seq, indexOfBody(message.body));
          return isRecord(event) && event.type === 'sync';
        },
      });
    });
    return {
      close: () => {
        closing = true;
        return closeSockets(sockets);
      },
    };
  },

  async publisher(server, sink) {
    const { roomId, tokens } = prepared();
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const nonce = `${process.pid}.${Date.now().toString(36)}`;
    let next = 0;
    let closing = false;
    const inFlight = new Set<Promise<void>>();
    return {
      publish(index, body) {
        const token = tokens[next++ % tokens.length];
        const clientMsgId = `${nonce}.${index}`;
        const sent = confabMutation(
          baseUrl,
          'message.send',
          { roomId, clientMsgId, body },
          token,
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
      },
    };
  },

  async dispose() {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
    fixture = undefined;
  },
};
