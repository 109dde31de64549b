import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { type RateLimitStore, redisLimiter } from './abuse-limits.js';

/** The send limit of one user: `perSecond` sustained, bursts of `burst`. */
export interface SendRate {
  perSecond: number;
  burst: number;
}

/**
 * Writes (sends, edits, deletes) per user. `take` resolves 0 when allowed, else the milliseconds
 * until the next write would be; `giveBack` returns a token taken for work that was then refused
 * (and so did nothing).
 */
export interface RateLimiter {
  take(key: string): Promise<number>;
  giveBack(key: string): Promise<void>;
}

/** Keys held before full buckets are forgotten, and how often that may walk them. */
const PRUNE_ABOVE = 10_000;
const PRUNE_EVERY_MS = 1000;

/**
 * A token bucket per key: `ratePerSecond` tokens added each second, at most `burst` held.
 * In memory, for one process. `take` answers 0 when a token was taken, else the milliseconds
 * until one will be; `giveBack` returns one.
 */
export function createTokenBuckets(options: {
  ratePerSecond: number;
  burst: number;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let prunedAt = Number.NEGATIVE_INFINITY;
  /** The bucket's tokens at `t`, refilled since it was last counted (not capped). */
  const refilled = (bucket: { tokens: number; at: number }, t: number) =>
    bucket.tokens + ((t - bucket.at) / 1000) * options.ratePerSecond;
  return {
    /** `t` is now, for a caller that has just read the clock. */
    take(key: string, t = now()): number {
      const bucket = buckets.get(key) ?? { tokens: options.burst, at: t };
      bucket.tokens = Math.min(options.burst, refilled(bucket, t));
      bucket.at = t;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        buckets.set(key, bucket);
        // Buckets full by now carry no information: drop them so the map stays small (as
        // refilled to now: a key that spent its burst and went away is full again by then).
        // At most once a second: keys that keep spending (one address each, and IPv6 gives
        // many) would otherwise make every take walk the whole map.
        if (buckets.size > PRUNE_ABOVE && t - prunedAt >= PRUNE_EVERY_MS) {
          prunedAt = t;
          for (const [k, b] of buckets) if (refilled(b, t) >= options.burst - 1) buckets.delete(k);
        }
        return 0;
      }
      buckets.set(key, bucket);
      return Math.ceil(((1 - bucket.tokens) / options.ratePerSecond) * 1000);
    },
    /** Whether `key` has a whole token now (nothing is taken). */
    has(key: string, t = now()): boolean {
      const bucket = buckets.get(key);
      return !bucket || refilled(bucket, t) >= 1;
    },
    giveBack(key: string): void {
      const bucket = buckets.get(key);
      if (bucket) bucket.tokens = Math.min(options.burst, bucket.tokens + 1);
    },
    /** Keys held (for tests). */
    size: (): number => buckets.size,
  };
}

/** Writes per user in this process's memory (createTokenBuckets). */
export function createRateLimiter(options: {
  ratePerSecond: number;
  burst: number;
  now?: () => number;
}): RateLimiter {
  const buckets = createTokenBuckets(options);
  return {
    take: async (key) => buckets.take(key),
    giveBack: async (key) => buckets.giveBack(key),
  };
}

/**
 * The same limit counted in Redis, so that it holds across every process of a cluster: a user
 * sending through three nodes gets `perSecond` in all, not three times as much. A token bucket
 * needs an atomic read-modify-write that Redis has only as a script; rate-limiter-flexible's
 * BurstyRateLimiter gives the same shape with its own atomic counters: `perSecond` per
 * one-second window (for rates below one a second, one per longer window), and when that is
 * spent, a reserve of `burst - perSecond` that refills over the time the bucket would take to
 * refill. Windows are fixed, not sliding: at a window's edge a user may get a little more than
 * the bucket would give, never more than twice `burst` in a window. Should Redis be unreachable,
 * each window falls back to this process's memory (the library's insurance limiter), as the
 * other limits do.
 */
export function createRedisRateLimiter(store: RateLimitStore, rate: SendRate): RateLimiter {
  // Redis expires keys in whole seconds: a rate below one per second gets a longer window.
  const steadySeconds = Math.max(1, Math.ceil(1 / rate.perSecond));
  const steady = Math.max(1, Math.round(rate.perSecond * steadySeconds));
  const reserve = Math.max(1, rate.burst - steady);
  const make = (keyPrefix: string, points: number, durationSeconds: number) =>
    redisLimiter(
      store,
      { keyPrefix, points, durationSeconds },
      new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }),
    );
  const perSecond = make('send', steady, steadySeconds);
  const limiter = new BurstyRateLimiter(
    perSecond,
    make('send-burst', reserve, Math.max(1, Math.ceil(reserve / rate.perSecond))),
  );
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return 0;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
        throw rejection;
      }
    },
    async giveBack(key) {
      // Back to the steady window, which is the one a refused write most likely took from.
      await perSecond.reward(key, 1).catch(() => {
        // Redis gone: the insurance limiter counts meanwhile; a lost reward costs one token.
      });
    },
  };
}
