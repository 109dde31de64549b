import { afterAll, beforeAll, describe } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../__tests__/redis-server.js';
import { busConformance } from './bus.conformance.js';
import { createMemoryBus } from './memory-bus.js';
import { createRedisBus } from './redis-bus.js';

// One suite, every adapter: the Bus port promises the same behaviour in process and on Redis.
describe('memory bus', () => {
  busConformance({
    create: async (options) =>
      createMemoryBus(options?.onError ? { onError: options.onError } : {}),
    capabilities: { multiNode: false, isolatesHandlerErrors: true },
  });
});

describe('Redis bus', () => {
  let redis: TestRedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  busConformance({
    create: (options) =>
      createRedisBus(redis.url, {
        // Reconnect soon after the crash cases restart the server.
        reconnectMaxDelayMs: 100,
        ...options,
        onError: options?.onError ?? (() => {}),
      }),
    capabilities: { multiNode: true, isolatesHandlerErrors: true },
    broker: { kill: () => redis.kill(), restart: () => redis.restart() },
  });
});
