// Peer 1: a bare `ws` server. A publish is serialized once into a Buffer, and that same Buffer
// is written to every socket in the room. With `--redis <url>` it is one node of several: a
// publish goes to a Redis pub/sub channel per room, and each node writes what the channel
// carries to its own sockets (the cross-node workload's control: what splitting a room's devices
// over two processes costs a broadcast loop that does nothing else).
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createClient } from 'redis';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { isRecord, PEER_ROOM, type PeerMessage } from '../payload.js';
import { host, listenLoopback } from './host.js';

interface Room {
  sockets: Set<WebSocket>;
  seq: number;
  /** With Redis: settles once this node hears the room's channel. */
  followed: Promise<void>;
}

const { values } = parseArgs({ options: { redis: { type: 'string' } } });
const redis = values.redis ? await connectRedis(values.redis) : undefined;

async function connectRedis(url: string) {
  const publisher = createClient({ url });
  const subscriber = publisher.duplicate();
  await Promise.all([publisher.connect(), subscriber.connect()]);
  return { publisher, subscriber };
}

const channelOf = (room: string) => `bench-raw:${room}`;

function broadcast(room: Room, json: string): void {
  const frame = Buffer.from(json);
  for (const socket of room.sockets) socket.send(frame, { binary: false });
}

const rooms = new Map<string, Room>();
const roomOf = (name: string): Room => {
  let room = rooms.get(name);
  if (!room) {
    const made: Room = { sockets: new Set(), seq: 0, followed: Promise.resolve() };
    if (redis)
      made.followed = redis.subscriber.subscribe(channelOf(name), (json) => broadcast(made, json));
    rooms.set(name, made);
    room = made;
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
      room.followed.then(
        () => ws.send('{"type":"joined"}'),
        () => ws.close(1011, 'Redis subscribe failed'),
      );
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
      const json = JSON.stringify(message);
      if (redis) redis.publisher.publish(channelOf(request.room), json).catch(() => ws.close(1011));
      else broadcast(room, json);
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
    if (redis) await Promise.all([redis.publisher.quit(), redis.subscriber.quit()]);
  },
});
