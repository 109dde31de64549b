// Peer 1: a bare `ws` server. A publish is serialized once into a Buffer, and that same Buffer
// is written to every socket in the room.
import { createServer } from 'node:http';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { isRecord, PEER_ROOM, type PeerMessage } from '../payload.js';
import { host, listenLoopback } from './host.js';

interface Room {
  sockets: Set<WebSocket>;
  seq: number;
}

const rooms = new Map<string, Room>();
const roomOf = (name: string): Room => {
  let room = rooms.get(name);
  if (!room) {
    room = { sockets: new Set(), seq: 0 };
    rooms.set(name, room);
  }
  return room;
};

const httpServer = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: httpServer });

wss.on('connection', (ws) => {
  const joined = new Set<Room>();
  ws.on('message', (data: RawData) => {
    let request: unknown;
    try {
      request = JSON.parse(String(data));
    } catch {
      ws.close(1003, 'Not JSON');
      return;
    }
    if (!isRecord(request) || typeof request.room !== 'string') return;
    const room = roomOf(request.room);
    if (request.type === 'join') {
      room.sockets.add(ws);
      joined.add(room);
      ws.send('{"type":"joined"}');
    } else if (request.type === 'publish' && typeof request.body === 'string') {
      room.seq += 1;
      const message: PeerMessage = {
        type: 'message',
        room: request.room,
        seq: room.seq,
        from: typeof request.from === 'string' ? request.from : '',
        at: Date.now(),
        body: request.body,
      };
      const frame = Buffer.from(JSON.stringify(message));
      for (const socket of room.sockets) socket.send(frame, { binary: false });
    }
  });
  ws.on('close', () => {
    for (const room of joined) room.sockets.delete(ws);
  });
});

await host({
  listen: () => listenLoopback(httpServer),
  subscribers: () => rooms.get(PEER_ROOM)?.sockets.size ?? 0,
  close: async () => {
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  },
});
