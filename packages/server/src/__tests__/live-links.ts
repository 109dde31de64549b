import type { FlatEvent, LiveEvent, LiveInput } from '@confab/contracts';
import { createTRPCClient, createWSClient, httpSubscriptionLink, wsLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import type { AppRouter } from '../routers/root.js';

/** tRPC's own clients for `token`, unmodified: one on wsLink, one on httpSubscriptionLink. */
export function unmodifiedLinks(url: string, token: string) {
  const socket = createWSClient({
    url: `${url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
  });
  const overWs = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
  const overSse = createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink({
        url: `${url}/trpc`,
        EventSource: EventSource as unknown as typeof globalThis.EventSource,
        connectionParams: { token },
      }),
    ],
  });
  return { socket, overWs, overSse };
}

type LinkClient = ReturnType<typeof unmodifiedLinks>['overWs'];

/** The first message.created a stream delivered, as it came, and how to stop the stream. */
export interface FirstMessage {
  event: LiveEvent | FlatEvent;
  stop(): void;
}

/**
 * Subscribes to `events.live` with `input` on each client; resolves once every stream has
 * synced (or one failed), with each stream's first message.created still to come.
 */
export async function syncedLiveStreams(
  clients: LinkClient[],
  input: LiveInput,
): Promise<Array<Promise<FirstMessage>>> {
  let synced = 0;
  let allSynced: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    allSynced = resolve;
  });
  const firsts = clients.map(
    (client) =>
      new Promise<FirstMessage>((resolve, reject) => {
        const subscription = client.events.live.subscribe(input, {
          onData: (live) => {
            if (live.type === 'sync' && ++synced === clients.length) allSynced();
            if (live.type === 'message.created')
              resolve({ event: live, stop: () => subscription.unsubscribe() });
          },
          onError: reject,
        });
      }),
  );
  await Promise.race([ready, ...firsts]);
  return firsts;
}
