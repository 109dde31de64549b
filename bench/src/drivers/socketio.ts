import { io, type Socket } from 'socket.io-client';
import { indexOfBody, PEER_ROOM, readPeerMessage } from '../payload.js';
import { startServer } from './process.js';
import type { Driver } from './types.js';
import { openMany, waitFor } from './ws-util.js';

/** One Socket.IO connection of its own (no multiplexing), WebSocket transport only. */
function connect(
  port: number,
  what: string,
  fail: (reason: string) => void,
  closing: () => boolean,
): Promise<Socket> {
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  return waitFor(`${what} to connect`, 15_000, (ready, failed) => {
    socket.once('connect', ready);
    socket.once('connect_error', failed);
  }).then(() => {
    socket.on('disconnect', (reason) => {
      if (!closing()) fail(`${what} disconnected (${reason})`);
    });
    return socket;
  });
}

/** Socket.IO: `join` (acknowledged) and `publish` events in, `message` events out. */
export const socketIoDriver: Driver = {
  name: 'socketio',
  label: 'Socket.IO',
  start: () => startServer('socketio', { cpuFrom: 'ipc' }),

  async subscribe(server, count, sink) {
    let closing = false;
    const sockets = await openMany(count, async (i) => {
      const socket = await connect(server.port, `subscriber ${i}`, sink.fail, () => closing);
      socket.on('message', (value: unknown) => {
        const message = readPeerMessage(value);
        if (message) sink.deliver(i, message.seq, indexOfBody(message.body));
        else sink.fail(`subscriber ${i}: unexpected message`);
      });
      await waitFor(`subscriber ${i} to join`, 15_000, (ready) => {
        socket.emit('join', PEER_ROOM, ready);
      });
      return socket;
    });
    return {
      async close() {
        closing = true;
        for (const socket of sockets) socket.disconnect();
      },
    };
  },

  async publisher(server, sink) {
    let closing = false;
    const socket = await connect(server.port, 'publisher', sink.fail, () => closing);
    return {
      publish(_index, body) {
        socket.emit('publish', { room: PEER_ROOM, from: 'publisher', body });
      },
      async close() {
        closing = true;
        socket.disconnect();
      },
    };
  },
};
