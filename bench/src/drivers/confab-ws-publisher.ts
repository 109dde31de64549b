import { newClientMsgId } from '@confab/client';
import { type ConfabWsCalls, confabWsCalls } from './confab-ws-calls.js';
import type { Publisher, Sink } from './types.js';

/**
 * Posts `message.send` into `roomId` as the SDK does once its stream is on a WebSocket: a
 * mutation frame on the sender's socket, answered on it. Message i goes through node i mod N
 * as the user of `tokenFor(i)` (the per-user send limit), on that user's socket to that node.
 */
export function wsPublisher(
  ports: readonly number[],
  roomId: string,
  tokenFor: (index: number) => string,
  sink: Sink,
): Publisher {
  const nodes: ConfabWsCalls[] = ports.map((port) => confabWsCalls(port));
  let closing = false;
  const nodeOf = (index: number): ConfabWsCalls => {
    const node = nodes[index % nodes.length];
    if (!node) throw new Error('No nodes');
    return node;
  };
  return {
    async prepare({ from, to }) {
      const opened = new Map<string, Promise<void>>();
      for (let index = from; index < to; index++) {
        const token = tokenFor(index);
        const key = `${index % nodes.length}\n${token}`;
        if (!opened.has(key)) opened.set(key, nodeOf(index).connect(token));
      }
      await Promise.all(opened.values());
    },
    publish(index, body) {
      const node = nodeOf(index);
      const clientMsgId = newClientMsgId();
      node
        .mutation('message.send', { roomId, clientMsgId, body }, tokenFor(index))
        .catch((error: unknown) => {
          if (!closing)
            sink.fail(`publish ${index}: ${error instanceof Error ? error.message : error}`);
        });
    },
    async close() {
      await Promise.all(nodes.map((node) => node.close()));
      closing = true;
    },
  };
}
