import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import {
  createStreamCounter,
  type StreamCounter,
  tooManyStreams,
} from '../http/connection-limits.js';
import { answeredWithin, type RedisCounterClient } from './redis-client.js';

export interface RedisStreamCounterOptions {
  /**
   * A stream's slot lives this long in Redis unless its process renews it (every third of it):
   * the slots of a process that died without releasing them free themselves. @default 30000
   */
  leaseMs?: number;
  /**
   * A stream waits this long at most for Redis's count (a stalled Redis answers nothing), then
   * counts in this process only. @default 2000
   */
  timeoutMs?: number;
  /** Prefix of the per-user keys. @default 'confab:streams:' */
  keyPrefix?: string;
  now?: () => number;
}

/**
 * The per-user stream cap counted over every process: each live stream is a member of a sorted
 * set per user, scored by when its lease ends. Taking a slot drops expired members, adds this one
 * and counts, in one MULTI; past the cap it takes the member out again and refuses. Each process
 * renews its own members' leases, so the members of a process that was killed expire on their
 * own, and after a Redis restart the renewals write them back.
 *
 * The cap is also counted in this process (the same limit): while Redis is unreachable that is
 * all that holds, so an outage degrades the cap to "per process", never to refusing everyone.
 */
export function createRedisStreamCounter(
  redis: RedisCounterClient,
  max: number,
  options: RedisStreamCounterOptions = {},
): StreamCounter {
  const leaseMs = options.leaseMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const prefix = options.keyPrefix ?? 'confab:streams:';
  const now = options.now ?? Date.now;
  const local = createStreamCounter(max);
  const nodeId = randomBytes(6).toString('base64url');
  let next = 0;
  /** This process's members in Redis, by user. */
  const leases = new Map<string, Set<string>>();

  function forget(userId: string, member: string): void {
    const members = leases.get(userId);
    if (!members?.delete(member)) return;
    if (members.size === 0) leases.delete(userId);
    redis.zRem(prefix + userId, member).catch(() => {
      // Unreachable: the member's lease runs out on its own.
    });
  }

  async function renew(): Promise<void> {
    const until = now() + leaseMs;
    const batch = redis.multi();
    for (const [userId, members] of leases) {
      const key = prefix + userId;
      batch.zAdd(
        key,
        [...members].map((value) => ({ score: until, value })),
      );
      batch.pExpire(key, leaseMs);
    }
    if (leases.size > 0) await batch.exec();
  }
  const renewal = setInterval(() => {
    renew().catch(() => {
      // Redis unreachable: the next renewal (or the lease's end) settles it.
    });
  }, leaseMs / 3);
  renewal.unref();

  return {
    async acquire(userId) {
      const releaseLocal = local.acquireNow(userId);
      const key = prefix + userId;
      const member = `${nodeId}:${(next++).toString(36)}`;
      const at = now();
      try {
        const replies = await answeredWithin(
          redis
            .multi()
            .zRemRangeByScore(key, '-inf', at)
            .zAdd(key, { score: at + leaseMs, value: member })
            .zCard(key)
            .pExpire(key, leaseMs)
            .exec(),
          timeoutMs,
          () => new Error(`Redis did not answer within ${timeoutMs} ms`),
        );
        if (Number(replies[2]) > max) {
          await redis.zRem(key, member).catch(() => {});
          throw tooManyStreams(max);
        }
      } catch (error) {
        if (error instanceof AppError) {
          releaseLocal();
          throw error;
        }
        // Redis unreachable: this process's own count is what holds meanwhile, and the next
        // renewal after Redis is back writes the member in.
      }
      let members = leases.get(userId);
      if (!members) {
        members = new Set();
        leases.set(userId, members);
      }
      members.add(member);
      return () => {
        releaseLocal();
        forget(userId, member);
      };
    },
    count: local.count,
    close() {
      clearInterval(renewal);
    },
  };
}
