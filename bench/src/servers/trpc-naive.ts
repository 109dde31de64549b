// Peer 3: tRPC v11 written the way its docs show subscriptions: an EventEmitter, and per
// subscriber an async generator over `on(ee, ...)` (its own queue), served by applyWSSHandler.
import { EventEmitter, on } from 'node:events';
import { createServer } from 'node:http';
import { initTRPC } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import * as z from 'zod';
import { PEER_ROOM, type PeerMessage } from '../payload.js';
import { host, listenLoopback } from './host.js';

const t = initTRPC.create();
const ee = new EventEmitter();
ee.setMaxListeners(0);
const seqs = new Map<string, number>();
const topic = (room: string) => `message:${room}`;

const appRouter = t.router({
  publish: t.procedure
    .input(z.object({ room: z.string(), from: z.string(), body: z.string() }))
    .mutation(({ input }) => {
      const seq = (seqs.get(input.room) ?? 0) + 1;
      seqs.set(input.room, seq);
      const message: PeerMessage = { type: 'message', ...input, seq, at: Date.now() };
      ee.emit(topic(input.room), message);
      return { seq };
    }),
  onMessage: t.procedure.input(z.object({ room: z.string() })).subscription(async function* ({
    input,
    signal,
  }) {
    for await (const [message] of on(ee, topic(input.room), { signal })) {
      yield message as PeerMessage;
    }
  }),
});

/** For the official-client sample (drivers/trpc-client.ts): `@trpc/client` typed by it. */
export type AppRouter = typeof appRouter;

const httpServer = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: httpServer });
const handler = applyWSSHandler({ wss, router: appRouter, createContext: () => ({}) });

await host({
  listen: () => listenLoopback(httpServer),
  subscribers: () => ee.listenerCount(topic(PEER_ROOM)),
  close: async () => {
    handler.broadcastReconnectNotification();
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  },
});
