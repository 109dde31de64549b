// Peer 1: a bare `ws` server. A publish is serialized once into a Buffer, and that same Buffer
// is written to every socket in the room. With `--redis <url>` it is one node of several: a
// publish goes to a Redis pub/sub channel per room, and each node writes what the channel
// carries to its own sockets (the cross-node workload's control: what splitting a room's devices
// over two processes costs a broadcast loop that does nothing else). With `--keep <n>` it keeps
// each room's last n messages, and a join that names `after` (the last seq the socket has) gets
// those after it, each with its own send, before `joined`: the resume storm's floor, a bare
// loop that reconnects devices from memory with no auth and no store. It then listens with the
// kernel queue Confab's server asks for (4096, packages/server/src/http/server.ts), so that a
// storm measures the work and not Node's default queue of 511 overflowing.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createClient } from 'redis';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { isRecord, PEER_ROOM, type PeerMessage } from '../payload.js';
import { host, listenLoopback } from './host.js';

interface Room {
  sockets: Set<WebSocket>;
  seq: number;
  /** The last `keep` messages, encoded once (seqs room.seq - length + 1 ... room.seq). */
  recent: Buffer[];
  /** With Redis: settles once this node hears the room's channel. */
  followed: Promise<void>;
}

const { values } = parseArgs({
  options: { redis: { type: 'string' }, keep: { type: 'string' } },
});
const keep = Number(values.keep ?? 0);
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
  if (keep > 0) {
    room.recent.push(frame);
    if (room.recent.length > keep) room.recent.shift();
  }
}

/** Sends `ws` the kept messages of `room` after seq `after`. */
function sendAfter(ws: WebSocket, room: Room, after: number): void {
  const first = room.seq - room.recent.length + 1;
  for (let seq = Math.max(after + 1, first); seq <= room.seq; seq++) {
    const frame = room.recent[seq - first];
    if (frame) ws.send(frame, { binary: false });
  }
}

const rooms = new Map<string, Room>();
const roomOf = (name: string): Room => {
  let room = rooms.get(name);
  if (!room) {
    const made: Room = { sockets: new Set(), seq: 0, recent: [], followed: Promise.resolve() };
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
      if (typeof request.after === 'number') {
        sendAfter(ws, room, request.after);
        ws.send(JSON.stringify({ type: 'joined', seq: room.seq }));
        return;
      }
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
  listen: () => listenLoopback(httpServer, keep > 0 ? 4096 : undefined),
  subscribers: () => rooms.get(PEER_ROOM)?.sockets.size ?? 0,
  close: async () => {
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    if (redis) await Promise.all([redis.publisher.quit(), redis.subscriber.quit()]);
  },
});
