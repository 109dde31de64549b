import type WebSocket from 'ws';
import { indexOfBody, isRecord, PEER_ROOM, readPeerMessage } from '../payload.js';
import { type ServerHandle, startAll, startServer } from './process.js';
import type { Driver } from './types.js';
import { closeSockets, guard, openMany, openSocket, textOf, waitFor } from './ws-util.js';

const JOIN = JSON.stringify({ type: 'join', room: PEER_ROOM });

/** Raw `ws`: JSON frames `{type:'join'|'publish', room, ...}` in, PeerMessage frames out. */
export const rawWsDriver: Driver = {
  name: 'raw-ws',
  label: 'raw ws',
  start: () => startServer('raw-ws', { cpuFrom: 'ipc' }),

  async subscribe(server, count, sink) {
    let closing = false;
    const url = `ws://127.0.0.1:${server.port}/`;
    const sockets = await openMany(count, async (i): Promise<WebSocket> => {
      const ws = await openSocket(url);
      guard(ws, `subscriber ${i}`, sink.fail, () => closing);
      await waitFor(`subscriber ${i} to join`, 15_000, (ready) => {
        ws.on('message', (data) => {
          const frame: unknown = JSON.parse(textOf(data));
          const message = readPeerMessage(frame);
          if (message) sink.deliver(i, message.seq, indexOfBody(message.body));
          else if (isRecord(frame) && frame.type === 'joined') ready();
          else sink.fail(`subscriber ${i}: unexpected frame ${textOf(data).slice(0, 80)}`);
        });
        ws.send(JOIN);
      });
      return ws;
    });
    return {
      close: () => {
        closing = true;
        return closeSockets(sockets);
      },
    };
  },

  async publisher(server, sink) {
    let closing = false;
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/`);
    guard(ws, 'publisher', sink.fail, () => closing);
    return {
      publish(_index, body) {
        ws.send(JSON.stringify({ type: 'publish', room: PEER_ROOM, from: 'publisher', body }));
      },
      close: () => {
        closing = true;
        return closeSockets([ws]);
      },
    };
  },
};

/**
 * `count` raw ws servers: one alone broadcasts itself; several share each room through Redis
 * pub/sub at `redisUrl` (servers/raw-ws.ts `--redis`), the cross-node workload's control.
 */
export async function startRawWsNodes(count: number, redisUrl: string): Promise<ServerHandle[]> {
  const args = count > 1 ? ['--redis', redisUrl] : [];
  return startAll(count, () => startServer('raw-ws', { cpuFrom: 'ipc', args }));
}
