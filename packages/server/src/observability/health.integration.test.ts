import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../__tests__/log-capture.js';
import { startPostgresCluster, type TestPostgresCluster } from '../__tests__/postgres-cluster.js';
import { startRedisServer, type TestRedisServer } from '../__tests__/redis-server.js';
import { createPostgresStore } from '../adapters/kysely/store.js';
import { createRedisBus } from '../adapters/redis-bus.js';
import { type ChatServer, createChatServer } from '../http/server.js';
import type { Store } from '../ports/store.js';

async function probe(url: string, path: string) {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, body: (await response.json()) as unknown };
}

const READY = { ok: true, checks: { database: 'ok', bus: 'ok', draining: false } };

describe('/livez and /readyz', () => {
  let cluster: TestPostgresCluster;
  let redis: TestRedisServer;
  let store: Store;
  let server: ChatServer;
  let url: string;
  const logs = captureLogs('info');
  /** Holds the store's ping while set (the drain case), telling `pingEntered` it began. */
  let pingGate: Promise<void> | undefined;
  let pingEntered: (() => void) | undefined;

  beforeAll(async () => {
    [cluster, redis] = await Promise.all([startPostgresCluster(), startRedisServer()]);
    const real = await createPostgresStore(cluster.url, 4);
    store = {
      ...real,
      ping: async () => {
        pingEntered?.();
        await pingGate;
        await real.ping?.();
      },
    };
    const bus = await createRedisBus(redis.url, { commandTimeoutMs: 500 });
    server = createChatServer({
      store,
      bus,
      config: { logger: logs.logger, readinessTimeoutMs: 2_000 },
    });
    url = await server.listen(0);
  }, 120_000);
  afterAll(async () => {
    await server?.close({ drainTimeoutMs: 1_000 }).catch(() => {});
    await Promise.all([cluster?.remove(), redis?.stop()]);
  }, 120_000);

  it('say ready while PostgreSQL and Redis answer, 503 naming the database while PostgreSQL is stopped, and ready again once it is back', async () => {
    expect(await probe(url, '/livez')).toEqual({ status: 200, body: { ok: true } });
    expect(await probe(url, '/readyz')).toEqual({ status: 200, body: READY });

    await cluster.stop();
    expect(await probe(url, '/readyz')).toEqual({
      status: 503,
      body: { ok: false, checks: { database: 'unreachable', bus: 'ok', draining: false } },
    });
    // The process still serves: a balancer keeps it, but sends it nothing new.
    expect(await probe(url, '/livez')).toEqual({ status: 200, body: { ok: true } });
    // Said once, with the cause, however often it is probed.
    await probe(url, '/readyz');
    const down = logs.lines().filter((l) => l.msg === 'readiness: database unreachable');
    expect(down).toHaveLength(1);
    expect(JSON.stringify(down[0]?.err)).toContain('ECONNREFUSED');

    await cluster.start();
    expect(await probe(url, '/readyz')).toEqual({ status: 200, body: READY });
    expect(logs.lines().filter((l) => l.msg === 'readiness: database ok again')).toHaveLength(1);
  }, 120_000);

  it('say 503 naming the bus while Redis is down, and ready again once it is back', async () => {
    await redis.kill();
    expect(await probe(url, '/readyz')).toEqual({
      status: 503,
      body: { ok: false, checks: { database: 'ok', bus: 'unreachable', draining: false } },
    });
    await redis.restart();
    // node-redis reconnects with a backoff capped at 1 s: ready within a few probes (guard 30).
    let answer = await probe(url, '/readyz');
    for (let i = 0; i < 30 && answer.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await probe(url, '/readyz');
    }
    expect(answer).toEqual({ status: 200, body: READY });
  }, 120_000);

  it('say 503 draining for a check that a drain overtakes', async () => {
    let release = () => {};
    pingGate = new Promise((resolve) => {
      release = resolve;
    });
    const entered = new Promise<void>((resolve) => {
      pingEntered = resolve;
    });
    const answer = probe(url, '/readyz');
    // The probe is in (its check waits on the store), then the drain begins.
    await entered;
    pingEntered = undefined;
    const closing = server.close({ drainTimeoutMs: 10_000, drainSpreadMs: 0 });
    release();
    pingGate = undefined;
    expect(await answer).toEqual({
      status: 503,
      body: { ok: false, checks: { database: 'ok', bus: 'ok', draining: true } },
    });
    await closing;
  }, 120_000);
});
