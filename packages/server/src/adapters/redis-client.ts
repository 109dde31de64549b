import { loadRedis } from '../lazy-modules.js';

/**
 * A node-redis connection for shared counters (rate limits, stream slots), apart from the bus's:
 * a limit check must not queue behind a burst of publishes. While Redis is unreachable, commands
 * fail fast (no offline queue) and callers fall back to this process's memory.
 */
export async function createCounterClient(url: string, connectTimeoutMs = 10_000) {
  const { createClient } = await loadRedis();
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1_000),
    },
  });
  // Failures surface as rejected commands; an error event without a listener would throw.
  client.on('error', () => {});
  return client;
}
export type RedisCounterClient = Awaited<ReturnType<typeof createCounterClient>>;

/** `promise`, or a rejection with `timeout()` once `ms` passed without an answer; never waits longer. */
export function answeredWithin<T>(
  promise: Promise<T>,
  ms: number,
  timeout: () => Error,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeout()), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
