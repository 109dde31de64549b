// Confab as the api process composes it (apps/api/src/main.ts): a store picked by its URL (a
// SQLite file path or a postgres:// URL), the memory bus (or, with --redis, the Redis bus, the
// Redis rate-limit store and the Redis presence directory, as main.ts does with REDIS_URL) and
// createChatServer, here with no web app. The runner reads its CPU and RSS from /proc; IPC only reports the port and, for the
// RSS workload, runs gc. Arguments: see drivers/confab-server.ts, which builds them.
import { parseArgs } from 'node:util';
import {
  createChatServer,
  createMemoryBus,
  createPostgresStore,
  createRedisBus,
  createRedisPresenceDirectory,
  createRedisRateLimitStore,
  createStoreFromUrl,
  unreachableRateRules,
} from '@confab/server';
import { host } from './host.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'send-rate': { type: 'string' },
    'send-burst': { type: 'string' },
    redis: { type: 'string' },
    'pg-pool': { type: 'string' },
    'ws-pong-wait-ms': { type: 'string' },
  },
});
const databaseUrl = positionals[0];
if (!databaseUrl)
  throw new Error(
    'Usage: confab.ts <sqlite-file | postgres://...> [--send-rate N --send-burst N] [--redis URL] [--pg-pool N]',
  );
const perSecond = Number(values['send-rate']);
const burst = Number(values['send-burst'] ?? values['send-rate']);
const redisUrl = values.redis;

// A smaller pool than the default 10 lets many processes share PostgreSQL's 100 connections.
const store =
  values['pg-pool'] === undefined
    ? await createStoreFromUrl(databaseUrl)
    : await createPostgresStore(databaseUrl, Number(values['pg-pool']));
const rateLimitStore = redisUrl ? await createRedisRateLimitStore(redisUrl) : undefined;
const presenceDirectory = redisUrl ? await createRedisPresenceDirectory(redisUrl) : undefined;
const server = createChatServer({
  store,
  bus: redisUrl ? await createRedisBus(redisUrl) : createMemoryBus(),
  config: {
    ...(values['send-rate'] === undefined ? {} : { sendRate: { perSecond, burst } }),
    // With Redis, limits and per-user stream slots count there, as in a real cluster.
    ...(rateLimitStore ? { rateLimitStore } : {}),
    ...(presenceDirectory ? { presenceDirectory } : {}),
    // The load generator plays thousands of devices and users from 127.0.0.1.
    rateLimits: unreachableRateRules(),
    connectionLimits: {
      maxConnectionsPerAddress: 1_000_000,
      maxStreamsPerUser: 1_000_000,
      wsFramesPerSecondPerAddress: 1_000_000_000,
      wsFrameBurstPerAddress: 1_000_000_000,
      httpRequestsPerSecondPerAddress: 1_000_000_000,
      httpRequestBurstPerAddress: 1_000_000_000,
    },
    ...(values['ws-pong-wait-ms'] === undefined
      ? {}
      : { wsPongWaitMs: Number(values['ws-pong-wait-ms']) }),
  },
});

await host({
  listen: async () => Number(new URL(await server.listen(0, '127.0.0.1')).port),
  subscribers: () => -1,
  close: async () => {
    await server.close();
    await rateLimitStore?.close();
    await presenceDirectory?.close();
  },
});
