import { createClient } from 'redis';
import type { RateLimitStore } from '../services/abuse-limits.js';

/**
 * A Redis connection for rate-limit counters (RateLimitStore), apart from the bus's: a limit
 * check must not queue behind a burst of publishes. While Redis is unreachable, commands fail
 * fast (no offline queue) and the limits fall back to each process's memory.
 */
export async function createRedisRateLimitStore(
  url: string,
  options: { connectTimeoutMs?: number } = {},
): Promise<RateLimitStore & { close(): Promise<void> }> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1_000),
    },
  });
  // Reported by the limiter's fallback; an error event without a listener would throw.
  client.on('error', () => {});
  await client.connect();
  return {
    redis: client,
    async close() {
      client.destroy();
    },
  };
}
