import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import { indexOfBody, PEER_ROOM, readPeerMessage } from '../payload.js';
import type { AppRouter } from '../servers/trpc-naive.js';
import type { Connections, Sink } from './types.js';
import { openMany, waitFor } from './ws-util.js';

/** Node 20 has no global WebSocket: `@trpc/client` takes the `ws` one. */
const NodeWebSocket = WebSocket as unknown as typeof globalThis.WebSocket;

/** The link must not reconnect on its own: a lost connection fails the run instead. */
const NEVER_MS = 3_600_000;

/**
 * One subscriber of the naive tRPC server on the official client: `createWSClient` (its own
 * connection) + `wsLink`, subscribed to `onMessage`. Live once tRPC says `started`.
 */
async function openTrpcSubscriber(
  port: number,
  subscriber: number,
  sink: Sink,
  closing: () => boolean,
): Promise<() => Promise<void>> {
  const what = `@trpc/client subscriber ${subscriber}`;
  const client = createWSClient({
    url: `ws://127.0.0.1:${port}/`,
    WebSocket: NodeWebSocket,
    retryDelayMs: () => NEVER_MS,
    onClose: (cause) => {
      if (!closing()) sink.fail(`${what} closed (${cause?.code ?? 'no code'})`);
    },
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client })] });
  let subscription: { unsubscribe(): void } | undefined;
  await waitFor(`${what} to subscribe`, 15_000, (ready, failed) => {
    subscription = trpc.onMessage.subscribe(
      { room: PEER_ROOM },
      {
        onStarted: ready,
        onData(item) {
          const message = readPeerMessage(item);
          if (message) sink.deliver(subscriber, message.seq, indexOfBody(message.body));
          else sink.fail(`${what}: unexpected data`);
        },
        onError(error) {
          sink.fail(`${what}: ${error.message}`);
          failed(error);
        },
        onStopped() {
          if (!closing()) sink.fail(`${what}: subscription stopped`);
        },
      },
    );
  });
  return async () => {
    subscription?.unsubscribe();
    await client.close();
  };
}

/** Connects `count` subscribers (`0..count-1`) with `@trpc/client`; resolves once all started. */
export async function connectTrpcClientSubscribers(
  port: number,
  count: number,
  sink: Sink,
): Promise<Connections> {
  let closing = false;
  const closers = await openMany(count, (i) => openTrpcSubscriber(port, i, sink, () => closing));
  return {
    async close() {
      closing = true;
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
