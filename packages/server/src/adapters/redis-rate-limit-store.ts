import type { RateLimitStore } from '../services/abuse-limits.js';
import { createCounterClient } from './redis-client.js';

/**
 * A Redis connection for rate-limit counters and per-user stream slots (RateLimitStore). While
 * Redis is unreachable, the limits fall back to each process's memory.
 */
export async function createRedisRateLimitStore(
  url: string,
  options: { connectTimeoutMs?: number } = {},
): Promise<RateLimitStore & { close(): Promise<void> }> {
  const client = await createCounterClient(url, options.connectTimeoutMs);
  await client.connect();
  return {
    redis: client,
    async close() {
      client.destroy();
    },
  };
}
