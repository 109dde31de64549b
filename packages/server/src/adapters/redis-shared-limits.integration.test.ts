import { ERROR_CODES } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../__tests__/redis-server.js';
import { AppError } from '../errors.js';
import { createRedisRateLimiter } from '../services/rate-limit.js';
import { createCounterClient, type RedisCounterClient } from './redis-client.js';
import { createRedisStreamCounter } from './redis-stream-counter.js';

/**
 * The limits a cluster shares through Redis: the per-user stream cap and the send limit. Two
 * counters on two connections stand for two processes.
 */
describe('limits shared through Redis', () => {
  let redis: TestRedisServer;
  const clients: RedisCounterClient[] = [];
  const connect = async () => {
    const client = await createCounterClient(redis.url);
    await client.connect();
    clients.push(client);
    return client;
  };
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await redis.stop();
  });

  describe('the per-user stream cap', () => {
    it('counts the streams of every process against one cap, and a release frees a slot anywhere', async () => {
      const clientA = await connect();
      const a = createRedisStreamCounter(clientA, 3);
      const b = createRedisStreamCounter(await connect(), 3);
      const releases = [await a.acquire('u1'), await a.acquire('u1'), await b.acquire('u1')];
      const refused = await refusal(b.acquire('u1'));
      expect(refused.appCode).toBe(ERROR_CODES.RATE_LIMITED);
      expect(refused.message).toContain('at most 3');
      expect((await refusal(a.acquire('u1'))).appCode).toBe(ERROR_CODES.RATE_LIMITED);
      // Another user is counted apart.
      const other = await b.acquire('u2');
      // The refused attempts took nothing: one release makes exactly one slot.
      releases[0]?.();
      releases[0]?.(); // released twice: still one slot
      // A release reaches Redis on its own connection, not awaited by the stream that ends; a
      // command after it on that connection answers once Redis has applied it.
      await clientA.ping();
      const again = await b.acquire('u1');
      expect((await refusal(a.acquire('u1'))).appCode).toBe(ERROR_CODES.RATE_LIMITED);
      expect(a.count('u1')).toBe(1);
      expect(b.count('u1')).toBe(2);
      for (const release of [...releases, again, other]) release?.();
      a.close?.();
      b.close?.();
    });

    it('frees the slots of a process that died once their lease ends', async () => {
      let clock = Date.now();
      const now = () => clock;
      const dead = createRedisStreamCounter(await connect(), 2, { now, leaseMs: 30_000 });
      await dead.acquire('u3');
      await dead.acquire('u3');
      dead.close?.(); // killed: it never releases nor renews
      const alive = createRedisStreamCounter(await connect(), 2, { now, leaseMs: 30_000 });
      expect((await refusal(alive.acquire('u3'))).appCode).toBe(ERROR_CODES.RATE_LIMITED);
      clock += 30_001;
      const release = await alive.acquire('u3');
      release();
      alive.close?.();
    });

    it('holds the cap per process while Redis is down, and writes the slots back when it returns', async () => {
      const client = await connect();
      const counter = createRedisStreamCounter(client, 2, { leaseMs: 600 });
      await redis.kill();
      const first = await counter.acquire('u4');
      await counter.acquire('u4');
      expect((await refusal(counter.acquire('u4'))).appCode).toBe(ERROR_CODES.RATE_LIMITED);
      first();
      await counter.acquire('u4');
      await redis.restart();
      // The renewals (every 200 ms) write this process's two live slots into the new Redis.
      const probe = await connect();
      await vi.waitFor(async () => expect(await probe.zCard('confab:streams:u4')).toBe(2), {
        timeout: 10_000,
        interval: 100,
      });
      const peer = createRedisStreamCounter(probe, 2);
      expect((await refusal(peer.acquire('u4'))).appCode).toBe(ERROR_CODES.RATE_LIMITED);
      counter.close?.();
      peer.close?.();
    });
  });

  it('a stalled Redis (answering nothing) holds a new stream at most timeoutMs, then counts it here', async () => {
    const counter = createRedisStreamCounter(await connect(), 1, { timeoutMs: 300 });
    redis.pause();
    try {
      const release = await counter.acquire('u5');
      // This process's own count still holds the cap meanwhile.
      expect((await refusal(counter.acquire('u5'))).appCode).toBe(ERROR_CODES.RATE_LIMITED);
      release();
    } finally {
      redis.resume();
      counter.close?.();
    }
  });

  describe('the send limit', () => {
    it('holds across processes: a user sending through two gets the burst once, not twice', async () => {
      // One a second at most in the long run, bursts of 3: over ten seconds from the first send
      // (a failure guard; five calls take milliseconds) exactly 3 of 6 pass.
      const rate = { perSecond: 0.1, burst: 3 };
      const a = createRedisRateLimiter({ redis: await connect() }, rate);
      const b = createRedisRateLimiter({ redis: await connect() }, rate);
      const waits: number[] = [];
      for (let i = 0; i < 6; i++) waits.push(await (i % 2 === 0 ? a : b).take('sender'));
      expect(waits.map((ms) => ms === 0)).toEqual([true, true, true, false, false, false]);
      for (const ms of waits.slice(3)) expect(ms).toBeGreaterThan(0);
      // Another user has a bucket of their own.
      expect(await b.take('someone-else')).toBe(0);
      // A token given back (the write was then refused) can be taken again, on the other
      // process: a fresh user gets one more than the burst after one give-back.
      expect(await a.take('giver')).toBe(0);
      await a.giveBack('giver');
      const after: boolean[] = [];
      for (let i = 0; i < 4; i++) after.push((await b.take('giver')) === 0);
      expect(after).toEqual([true, true, true, false]);
    });
  });
});
