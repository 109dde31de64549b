import {
  createTRPCClient,
  createWSClient,
  httpLink,
  splitLink,
  type TRPCClient,
  wsLink,
} from '@trpc/client';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import { createStoreFromUrl } from '../adapters/kysely/store.js';
import { createMemoryBus } from '../adapters/memory-bus.js';
import { type ChatServer, type ChatServerConfig, createChatServer } from '../http/server.js';
import type { Bus } from '../ports/bus.js';
import type { AppRouter } from '../routers/root.js';
import { unreachableRateRules } from '../services/abuse-limits.js';
import { sqliteDatabase, type TestDatabase } from './databases.js';

export interface TestServer {
  url: string;
  server: ChatServer;
  close(): Promise<void>;
}

/** A real Confab server on a free loopback port, over the given database. */
export async function startServer(
  databaseUrl: string,
  config: ChatServerConfig = {},
  /** @default an in-process bus */
  bus: Bus = createMemoryBus(),
): Promise<TestServer> {
  const store = await createStoreFromUrl(databaseUrl);
  // Every test plays its users from 127.0.0.1: per-address limits would count them as one.
  const server = createChatServer({
    store,
    bus,
    config: { rateLimits: unreachableRateRules(), ...config },
  });
  const url = await server.listen(0);
  return { url, server, close: () => server.close() };
}

/**
 * A server on a SQLite database of its own for the tests of one describe block: started before
 * them, closed and its database dropped after. Its `url` and `server` are read in the tests.
 */
export function serverForSuite(config: ChatServerConfig = {}): TestServer {
  let db: TestDatabase | undefined;
  let started: TestServer | undefined;
  beforeAll(async () => {
    db = sqliteDatabase();
    started = await startServer(db.url, config);
  });
  afterAll(async () => {
    await started?.close();
    await db?.drop();
  });
  const running = (): TestServer => {
    if (!started) throw new Error('The suite server starts in beforeAll');
    return started;
  };
  return {
    get url() {
      return running().url;
    },
    get server() {
      return running().server;
    },
    close: () => running().close(),
  };
}

export interface TestClient {
  api: TRPCClient<AppRouter>;
  close(): void;
}

/**
 * The official tRPC client, as an app would use it: HTTP for queries and mutations, WebSocket
 * for subscriptions, authenticated with a bearer token (and connectionParams on the socket).
 * `httpFetch` replaces the global fetch of its HTTP calls.
 */
export function connect(url: string, token?: string, httpFetch?: typeof fetch): TestClient {
  const ws = createWSClient({
    url: `${url.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: token ? { token } : null,
    lazy: { enabled: true, closeMs: 0 },
  });
  const api = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: ws }),
        false: httpLink({
          url: `${url}/trpc`,
          headers: () => (token ? { Authorization: `Bearer ${token}` } : {}),
          ...(httpFetch ? { fetch: httpFetch } : {}),
        }),
      }),
    ],
  });
  return { api, close: () => void ws.close() };
}

let counter = 0;
/** Registers a fresh user and returns a client signed in as them. */
export async function signUp(url: string, name = 'user', password = 'correct horse battery') {
  counter += 1;
  const username = `${name}_${process.pid}_${counter}`.slice(0, 32);
  const anonymous = connect(url);
  const auth = await anonymous.api.auth.register.mutate({
    username,
    displayName: name,
    password,
  });
  anonymous.close();
  return { ...connect(url, auth.token), user: auth.user, token: auth.token, username };
}
