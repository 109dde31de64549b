import { ERROR_CODES } from '@confab/contracts';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisCounterClient } from '../adapters/redis-client.js';
import { AppError } from '../errors.js';

/** At most `points` actions per `windowMs`, per key (a user id or a client address). */
export interface RateRule {
  points: number;
  windowMs: number;
}

/**
 * Every rate limit besides message sends (those keep their own token bucket, see
 * rate-limit.ts). Defaults are generous for a person using the web app and tight for a script.
 * Counters live in this process, or in Redis when the server is given one (RateLimitStore):
 * then every process counts against the same limit.
 */
export const DEFAULT_RATE_RULES = {
  /** Sign-in attempts per client address, whatever their outcome: each costs a password hash. */
  loginPerAddress: { points: 30, windowMs: 5 * 60_000 },
  /**
   * Failed sign-ins per account and address. Past it that pair waits, and each further block
   * is twice as long as the last (backoff), up to a day.
   */
  loginFailuresPerAccountAddress: { points: 5, windowMs: 15 * 60_000 },
  /**
   * Failed sign-ins per account from anywhere (guessing spread over many addresses). High, so
   * that a stranger cannot lock a person out of their own account by failing on purpose.
   */
  loginFailuresPerAccount: { points: 100, windowMs: 60 * 60_000 },
  /** Accounts created per client address. */
  registerPerAddress: { points: 20, windowMs: 60 * 60_000 },
  /** Calls without a session (anything public) per client address. */
  publicPerAddress: { points: 120, windowMs: 60_000 },
  /** Queries per user (reading rooms, members, history...). */
  queryPerUser: { points: 600, windowMs: 60_000 },
  /** Message searches per user: each reads the full-text index, dearer than other queries. */
  searchPerUser: { points: 120, windowMs: 60_000 },
  /** Long polls per user (a busy room answers at once, so a device may poll often). */
  pollPerUser: { points: 1_200, windowMs: 60_000 },
  /** Mutations per user that have no rule of their own (markRead, setActive, join, leave...). */
  writePerUser: { points: 300, windowMs: 60_000 },
  /** Rooms (and direct conversations) a user creates. */
  roomCreatePerUser: { points: 30, windowMs: 60 * 60_000 },
  /** People a user adds to rooms (each one is added without being asked). */
  invitePerUser: { points: 100, windowMs: 60 * 60_000 },
  /** Data exports per user: each reads everything the user ever wrote. */
  exportPerUser: { points: 3, windowMs: 60 * 60_000 },
  /** Avatar uploads and removals per user: each upload decodes and re-encodes an image. */
  avatarWritePerUser: { points: 30, windowMs: 60 * 60_000 },
  /**
   * Avatar pictures fetched per user. A page asks for each person's picture once (the URL
   * carries its version and is cached for a year), so this is mostly for scripts.
   */
  avatarReadPerUser: { points: 3_000, windowMs: 60_000 },
  /** File uploads per user (each streams up to LIMITS.fileMaxBytes into the database). */
  uploadPerUser: { points: 60, windowMs: 60_000 },
  /** File downloads and thumbnails per user (a busy room shows many thumbnails at once). */
  downloadPerUser: { points: 1_200, windowMs: 60_000 },
  /** Account deletion attempts per user: each checks a password (guessing with a stolen session). */
  accountDeletePerUser: { points: 5, windowMs: 15 * 60_000 },
  /** Calls with a wrong API key per address; past it the address backs off as sign-ins do. */
  apiKeyFailuresPerAddress: { points: 10, windowMs: 15 * 60_000 },
  /** Server-to-server calls per API key (other apps pushing into Confab). */
  apiCallsPerKey: { points: 6_000, windowMs: 60_000 },
} satisfies Record<string, RateRule>;

export type RateKind = keyof typeof DEFAULT_RATE_RULES;
export type RateRules = Record<RateKind, RateRule>;

/**
 * Rules no test or benchmark reaches: for fixtures that play many users from one loopback
 * address. The limits themselves are tested with their defaults.
 */
export function unreachableRateRules(): RateRules {
  const rules = {} as RateRules;
  for (const kind of Object.keys(DEFAULT_RATE_RULES) as RateKind[])
    rules[kind] = { points: 1_000_000_000, windowMs: 1_000 };
  return rules;
}

/** Longest a backoff block lasts. */
const MAX_BLOCK_MS = 24 * 60 * 60_000;

function rateLimited(kind: RateKind, retryAfterMs: number): AppError {
  const seconds = Math.ceil(retryAfterMs / 1000);
  return new AppError(
    ERROR_CODES.RATE_LIMITED,
    `Too many requests (${kind}); try again in ${seconds} s`,
    { retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) },
  );
}

/**
 * Where the counters live. Without one, in this process; with a connected node-redis client
 * (`createClient({ url })`), in Redis, shared by every process: a limit then holds across the
 * cluster. Should Redis fail, each limiter falls back to this process's memory (rate-limiter-
 * flexible's insurance limiter) rather than refusing or letting everything through.
 */
export interface RateLimitStore {
  /** A connected node-redis client. */
  redis: RedisCounterClient;
}

type Limiter = RateLimiterMemory | RateLimiterRedis;

/**
 * A limiter counted in Redis under `confab:rl:<keyPrefix>`, shared by every process; should
 * Redis fail, `insurance` (this process's memory) counts instead.
 */
export function redisLimiter(
  store: RateLimitStore,
  rule: { keyPrefix: string; points: number; durationSeconds: number },
  insurance: RateLimiterMemory,
): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: store.redis,
    useRedisPackage: true,
    keyPrefix: `confab:rl:${rule.keyPrefix}`,
    points: rule.points,
    duration: rule.durationSeconds,
    insuranceLimiter: insurance,
  });
}

/**
 * The rate limits of one server: `take(kind, key)` counts an action and throws RATE_LIMITED
 * with `retryAfterMs` once the key is over its rule. Login failures also back off.
 */
export function createAbuseLimits(
  overrides: Partial<RateRules> = {},
  store?: RateLimitStore,
  /** Hears each refusal (the rate-limit metric). */
  onRefused?: (kind: RateKind) => void,
) {
  const rules: RateRules = { ...DEFAULT_RATE_RULES, ...overrides };
  const limiters = new Map<RateKind, Limiter>();
  const refused = (kind: RateKind, retryAfterMs: number) => {
    onRefused?.(kind);
    return rateLimited(kind, retryAfterMs);
  };
  const make = (keyPrefix: string, points: number, windowMs: number): Limiter => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: windowMs / 1000 });
    if (!store) return memory;
    // Redis expires keys in whole seconds.
    const durationSeconds = Math.max(1, Math.ceil(windowMs / 1000));
    return redisLimiter(store, { keyPrefix, points, durationSeconds }, memory);
  };
  const limiterOf = (kind: RateKind) => {
    let limiter = limiters.get(kind);
    if (!limiter) {
      const rule = rules[kind];
      limiter = make(kind, rule.points, rule.windowMs);
      limiters.set(kind, limiter);
    }
    return limiter;
  };
  // How many times each login-failure key has been blocked in the last day: the next block
  // lasts twice as long as the last.
  const strikes = make('strikes', 1_000, 86_400_000);

  async function consume(kind: RateKind, key: string): Promise<void> {
    try {
      await limiterOf(kind).consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw refused(kind, rejection.msBeforeNext);
      throw rejection;
    }
  }

  /** Throws RATE_LIMITED when `key` is blocked for `kind` (without counting anything). */
  async function check(kind: RateKind, key: string): Promise<void> {
    const state = await limiterOf(kind).get(key);
    if (state && state.consumedPoints >= rules[kind].points)
      throw refused(kind, state.msBeforeNext);
  }

  /** Counts a failure; once over the rule the key is blocked, each block twice the last. */
  async function fail(kind: RateKind, key: string): Promise<void> {
    const limiter = limiterOf(kind);
    const state = await limiter.penalty(key);
    if (state.consumedPoints < rules[kind].points) return;
    const struck = await strikes.penalty(`${kind}:${key}`);
    const blockMs = Math.min(MAX_BLOCK_MS, rules[kind].windowMs * 2 ** (struck.consumedPoints - 1));
    // Redis expires keys in whole seconds.
    await limiter.block(key, store ? Math.ceil(blockMs / 1000) : blockMs / 1000);
  }

  return {
    rules,
    /** Counts one action of `kind` by `key`; throws RATE_LIMITED past the rule. */
    take: consume,
    /** Throws RATE_LIMITED while `key` is over its rule or backing off, counting nothing. */
    check,
    /** Counts a failure of `kind` by `key`: past the rule, blocks that double each time. */
    fail,
    /**
     * Before a sign-in: counts the attempt for the address and refuses one whose account (from
     * anywhere, or from this address) is backing off after failures.
     */
    async beforeLogin(username: string, address: string): Promise<void> {
      const account = username.toLowerCase();
      await check('loginFailuresPerAccountAddress', `${account}|${address}`);
      await check('loginFailuresPerAccount', account);
      await consume('loginPerAddress', address);
    },
    /** After a failed sign-in: counts it for the account, and for the account and address. */
    async loginFailed(username: string, address: string): Promise<void> {
      const account = username.toLowerCase();
      await fail('loginFailuresPerAccountAddress', `${account}|${address}`);
      await fail('loginFailuresPerAccount', account);
    },
    /** After a sign-in: failures from this address are forgiven. */
    async loginSucceeded(username: string, address: string): Promise<void> {
      const account = username.toLowerCase();
      await limiterOf('loginFailuresPerAccountAddress').delete(`${account}|${address}`);
      await strikes.delete(`loginFailuresPerAccountAddress:${account}|${address}`);
    },
  };
}
export type AbuseLimits = ReturnType<typeof createAbuseLimits>;
