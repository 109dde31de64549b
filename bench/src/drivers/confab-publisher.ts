import { type ConfabHttp, confabHttp } from './confab-http.js';
import { retryOnReset } from './retry.js';
import type { Publisher, Sink } from './types.js';

/** Connections a publisher keeps open per node (sends in flight at once beyond these wait for one). */
const PUBLISH_CONNECTIONS = 16;

/**
 * Posts `message.send` into `roomId` over keep-alive HTTP, message i through node i mod N and as
 * the user of `tokenFor(i)`. Keep-alive connections through node:http: a browser's fetch costs
 * little, Node's global fetch ~0.5 ms of the load generator's CPU per call, and that showed in
 * the latency figures.
 */
export function httpPublisher(
  ports: readonly number[],
  roomId: string,
  tokenFor: (index: number) => string,
  sink: Sink,
): Publisher {
  const https: ConfabHttp[] = ports.map((port) => confabHttp(port, PUBLISH_CONNECTIONS));
  const nonce = `${process.pid}.${Date.now().toString(36)}`;
  let closing = false;
  const inFlight = new Set<Promise<void>>();
  return {
    publish(index, body) {
      const http = https[index % https.length];
      const token = tokenFor(index);
      const clientMsgId = `${nonce}.${index}`;
      if (!http) throw new Error('No nodes');
      // Resent as-is when the connection is reset: the clientMsgId makes it idempotent.
      const sent = retryOnReset(() =>
        http.mutation('message.send', { roomId, clientMsgId, body }, token),
      ).then(
        () => undefined,
        (error: unknown) => {
          if (!closing)
            sink.fail(`publish ${index}: ${error instanceof Error ? error.message : error}`);
        },
      );
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
    },
    async close() {
      await Promise.all(inFlight);
      closing = true;
      for (const http of https) http.close();
    },
  };
}
