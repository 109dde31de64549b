/**
 * A token bucket per key: `ratePerSecond` tokens added each second, at most `burst` held.
 * In memory, per process: with several nodes each enforces its own share.
 */
export function createRateLimiter(options: {
  ratePerSecond: number;
  burst: number;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes a token; returns 0 when allowed, else the milliseconds until one is available. */
    take(key: string): number {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: options.burst, at: t };
      bucket.tokens = Math.min(
        options.burst,
        bucket.tokens + ((t - bucket.at) / 1000) * options.ratePerSecond,
      );
      bucket.at = t;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        buckets.set(key, bucket);
        // Full buckets carry no information: drop them so the map stays small.
        if (buckets.size > 10_000)
          for (const [k, b] of buckets) if (b.tokens >= options.burst - 1) buckets.delete(k);
        return 0;
      }
      buckets.set(key, bucket);
      return Math.ceil(((1 - bucket.tokens) / options.ratePerSecond) * 1000);
    },
    /** Returns a token taken for work that was then refused (and so did nothing). */
    giveBack(key: string): void {
      const bucket = buckets.get(key);
      if (bucket) bucket.tokens = Math.min(options.burst, bucket.tokens + 1);
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
