import { type ChatClient, createChatClient } from '@confab/client';
import WebSocket from 'ws';
import { indexOfBody } from '../payload.js';
import type { Connections, Sink } from './types.js';
import { openMany, waitFor } from './ws-util.js';

/** Node 20 has no global WebSocket: the SDK takes the `ws` one. */
const NodeWebSocket = WebSocket;

/**
 * One new device on the Confab SDK (`createChatClient`, WebSocket transport): the client apps'
 * own stream, with its sequencer, keep-alive pings and reconnection logic. Live at the SDK's
 * `connected` state (its first `sync`). A reconnect, which the SDK would hide, fails the run.
 */
async function openSdkDevice(
  port: number,
  token: string,
  subscriber: number,
  sink: Sink,
  closing: () => boolean,
): Promise<ChatClient> {
  const what = `SDK device ${subscriber}`;
  const client = createChatClient({
    url: `http://127.0.0.1:${port}`,
    token,
    transport: 'ws',
    WebSocket: NodeWebSocket,
    connectTimeoutMs: 15_000,
  });
  client.on('event', (event) => {
    if (event.type === 'message.created')
      sink.deliver(subscriber, event.seq, indexOfBody(event.message.body));
  });
  await waitFor(`${what} to connect`, 15_000, (ready, failed) => {
    client.on('state', ({ state, error }) => {
      if (state === 'connected') {
        ready();
      } else if ((state === 'reconnecting' || state === 'closed') && !closing()) {
        const reason = `${what}: ${state}${error instanceof Error ? ` (${error.message})` : ''}`;
        sink.fail(reason);
        failed(new Error(reason));
      }
    });
  }).catch((error: unknown) => {
    client.close();
    throw error;
  });
  return client;
}

/**
 * Connects `count` SDK devices (subscribers `0..count-1`), round-robin over `tokens` like the
 * cheap devices; resolves once every one is connected.
 */
export async function connectConfabSdkDevices(
  port: number,
  count: number,
  tokens: readonly string[],
  sink: Sink,
): Promise<Connections> {
  if (tokens.length === 0) throw new Error('No users');
  let closing = false;
  const clients = await openMany(count, (i) =>
    openSdkDevice(port, tokens[i % tokens.length] ?? '', i, sink, () => closing),
  );
  return {
    async close() {
      closing = true;
      for (const client of clients) client.close();
    },
  };
}
