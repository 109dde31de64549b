import type { SystemName } from '../config.js';
import { confabFixture } from './confab.js';
import { connectConfabSdkDevices } from './confab-sdk.js';
import type { ServerHandle } from './process.js';
import { rawWsDriver } from './raw-ws.js';
import { socketIoDriver } from './socketio.js';
import { connectTrpcClientSubscribers } from './trpc-client.js';
import type { Connections, Sink } from './types.js';

export interface OfficialClient {
  /** What the table calls it. */
  name: string;
  /** Connects `count` subscribers (`0..count-1`) to the bench room; resolves once all are live. */
  subscribe(server: ServerHandle, count: number, sink: Sink): Promise<Connections>;
}

/**
 * Each system's official client, for the sample that shows the cheap load clients measure
 * the same thing. Raw ws and Socket.IO have no cheaper client: their drivers already use `ws`
 * and `socket.io-client`, so their sample runs the same code as the rest.
 */
export const OFFICIAL_CLIENTS: Record<SystemName, OfficialClient> = {
  confab: {
    name: 'Confab SDK',
    subscribe: (server, count, sink) =>
      connectConfabSdkDevices(server.port, count, confabFixture().tokens, sink),
  },
  'raw-ws': {
    name: 'ws',
    subscribe: (server, count, sink) => rawWsDriver.subscribe(server, count, sink),
  },
  socketio: {
    name: 'socket.io-client',
    subscribe: (server, count, sink) => socketIoDriver.subscribe(server, count, sink),
  },
  'trpc-naive': {
    name: '@trpc/client',
    subscribe: (server, count, sink) => connectTrpcClientSubscribers(server.port, count, sink),
  },
};
