import type { AppRouter } from '@confab/server';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
  wsLink,
} from '@trpc/client';

export type Transport = 'ws' | 'sse';

export interface ChatClientOptions {
  /** The server's base URL, e.g. `http://localhost:3000` (the API lives under /trpc). */
  url: string;
  /** A session token (from auth.login / auth.register). Omit in the browser to use the cookie. */
  token?: string | undefined;
  /** How subscriptions travel. @default 'ws' */
  transport?: Transport;
  /** For runtimes without a global WebSocket (Node 20): pass `WebSocket` from `ws`. */
  WebSocket?: typeof globalThis.WebSocket;
  /** For runtimes without a global EventSource (Node 20): pass it from `eventsource`. */
  EventSource?: typeof globalThis.EventSource;
}

/**
 * A typed Confab client: `client.api` is the tRPC proxy of every procedure, with inputs and
 * outputs typed from the server's router. Queries and mutations go over HTTP; subscriptions over
 * the chosen transport.
 */
export function createChatClient(options: ChatClientOptions) {
  const base = options.url.replace(/\/+$/, '');
  const httpUrl = `${base}/trpc`;
  const token = options.token;
  const headers = () => (token ? { Authorization: `Bearer ${token}` } : {});
  const transport = options.transport ?? 'ws';

  const wsClient =
    transport === 'ws'
      ? createWSClient({
          url: `${httpUrl.replace(/^http/, 'ws')}`,
          WebSocket: options.WebSocket,
          connectionParams: token ? { token } : null,
          // The server pings every 10 s; our own pings notice a dead server within ~4 s.
          keepAlive: { enabled: true, intervalMs: 2_000, pongTimeoutMs: 2_000 },
          lazy: { enabled: true, closeMs: 0 },
        })
      : undefined;

  const subscriptionLink = wsClient
    ? wsLink<AppRouter>({ client: wsClient })
    : httpSubscriptionLink<AppRouter, typeof globalThis.EventSource>({
        url: httpUrl,
        EventSource: options.EventSource ?? globalThis.EventSource,
        connectionParams: token ? { token } : null,
      });

  const api: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: subscriptionLink,
        false: httpBatchLink({
          url: httpUrl,
          headers,
          // Cookies ride along in the browser (same origin); bearer tokens elsewhere.
          fetch: (url, init) => fetch(url, { ...init, credentials: 'include' }),
        }),
      }),
    ],
  });

  return {
    api,
    transport,
    close(): void {
      void wsClient?.close();
    },
  };
}
export type ChatClient = ReturnType<typeof createChatClient>;
