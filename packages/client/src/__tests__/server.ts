import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ChatServer,
  type ChatServerConfig,
  createChatServer,
  createMemoryBus,
  createSqliteStore,
  unreachableRateRules,
} from '@confab/server';
import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import { type ChatClient, type ChatClientOptions, createChatClient } from '../client.js';
import { startProxy } from './proxy.js';

/** Node 20 has neither: the SDK takes them as options. */
export const nodeGlobals = {
  WebSocket,
  EventSource,
};

export interface TestServer {
  url: string;
  port: number;
  chat: ChatServer;
  /** Stops the server; the database stays for a restart. */
  stop(): Promise<void>;
}

export function tempDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'confab-client-test-'));
  return {
    path: join(dir, 'confab.db'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A real Confab server over a SQLite file, on `port` (0: a free one). Sends are not throttled. */
export async function startServer(
  databasePath: string,
  port = 0,
  config: ChatServerConfig = {},
): Promise<TestServer> {
  const store = await createSqliteStore(databasePath);
  const chat = createChatServer({
    store,
    bus: createMemoryBus(),
    // Every test plays its users from 127.0.0.1: per-address limits would count them as one.
    config: {
      sendRate: { perSecond: 100_000, burst: 100_000 },
      rateLimits: unreachableRateRules(),
      ...config,
    },
  });
  const url = await chat.listen(port);
  return { url, port: Number(new URL(url).port), chat, stop: () => chat.close() };
}

let counter = 0;

/** Registers a user (through `url`) and returns their token. */
export async function register(
  url: string,
  name: string,
): Promise<{ token: string; userId: string; username: string }> {
  counter += 1;
  const username = `${name}_${process.pid}_${counter}`.slice(0, 32);
  const anonymous = createChatClient({ url, autoConnect: false });
  const auth = await anonymous.api.auth.register.mutate({
    username,
    displayName: name,
    password: 'correct horse battery',
  });
  anonymous.close();
  return { token: auth.token, userId: auth.user.id, username };
}

/** An SDK client for tests: fast reconnects so cuts do not slow the suite. */
export function device(
  url: string,
  token: string,
  options: Partial<ChatClientOptions> = {},
): ChatClient {
  return createChatClient({
    url,
    token,
    ...nodeGlobals,
    backoff: { minDelayMs: 50, maxDelayMs: 500 },
    connectTimeoutMs: 3_000,
    pollWaitMs: 2_000,
    ...options,
  });
}

export type TestDatabaseFile = ReturnType<typeof tempDatabase>;

/** A test's server over a fresh SQLite file. */
export async function setUp(config: ChatServerConfig = {}) {
  const db = tempDatabase();
  return { db, server: await startServer(db.path, 0, config) };
}

/** The same, with a faulty proxy in front of the server. */
export async function setUpWithProxy(config: ChatServerConfig = {}) {
  const env = await setUp(config);
  return { ...env, proxy: await startProxy(env.server.port) };
}

/** What a test's afterEach takes down: its clients, then the proxy, server and database. */
export async function tearDown(env: {
  clients: ChatClient[];
  proxy?: { close(): Promise<void> } | undefined;
  server: TestServer;
  db: { remove(): void };
}): Promise<void> {
  for (const client of env.clients.splice(0)) client.close();
  await env.proxy?.close();
  await env.server.stop();
  env.db.remove();
}
