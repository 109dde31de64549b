// Peer 2: Socket.IO 4.8, the way its docs show rooms: join, then `io.to(room).emit(...)`
// (Socket.IO encodes the packet once and writes the same frame to every socket in the room).
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { isRecord, PEER_ROOM, type PeerMessage } from '../payload.js';
import { host, listenLoopback } from './host.js';

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false, transports: ['websocket'] });
const seqs = new Map<string, number>();

io.on('connection', (socket) => {
  socket.on('join', (room: unknown, ack: unknown) => {
    if (typeof room !== 'string') return;
    void socket.join(room);
    if (typeof ack === 'function') ack();
  });
  socket.on('publish', (request: unknown) => {
    if (!isRecord(request) || typeof request.room !== 'string') return;
    if (typeof request.body !== 'string') return;
    const seq = (seqs.get(request.room) ?? 0) + 1;
    seqs.set(request.room, seq);
    const message: PeerMessage = {
      type: 'message',
      room: request.room,
      seq,
      from: typeof request.from === 'string' ? request.from : '',
      at: Date.now(),
      body: request.body,
    };
    io.to(request.room).emit('message', message);
  });
});

await host({
  listen: () => listenLoopback(httpServer),
  subscribers: () => io.of('/').adapter.rooms.get(PEER_ROOM)?.size ?? 0,
  close: () => new Promise<void>((resolve) => io.close(() => resolve())),
});
