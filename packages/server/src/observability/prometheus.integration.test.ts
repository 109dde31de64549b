import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, buildApiBundle, startApi } from '../__tests__/api-process.js';
import { postgresDatabase, type TestDatabase } from '../__tests__/databases.js';
import { TEST_METRICS_TOKEN } from '../__tests__/metrics.js';
import { startPrometheus, type TestPrometheus } from '../__tests__/prometheus.js';
import {
  freeLoopbackPort,
  startRedisServer,
  type TestRedisServer,
} from '../__tests__/redis-server.js';
import { signUp } from '../__tests__/server.js';

/** Opens an SSE device (token in connectionParams, as tRPC's link sends it); resolves on sync. */
function openSse(url: string, token: string): Promise<() => void> {
  const input = encodeURIComponent(JSON.stringify({ cursors: {}, resume: true }));
  const params = encodeURIComponent(JSON.stringify({ token }));
  const target = new URL(`${url}/trpc/events.onEvent?input=${input}&connectionParams=${params}`);
  return new Promise((resolve, reject) => {
    const req = request(target, { headers: { Accept: 'text/event-stream' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('"type":"sync"')) resolve(() => req.destroy());
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const DASHBOARD = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../deploy/grafana-dashboard.json',
);

/** Failure guard: Prometheus scrapes every second; its first scrape comes within a few. */
const SERIES_GUARD_MS = 60_000;

describe('metrics scraped by the real Prometheus', () => {
  let bundle: { path: string; remove(): void };
  let db: TestDatabase;
  let redis: TestRedisServer;
  let api: ApiProcess;
  let metricsPort: number;
  let prometheus: TestPrometheus;

  beforeAll(async () => {
    [bundle, db, redis] = await Promise.all([
      buildApiBundle('prometheus'),
      postgresDatabase(),
      startRedisServer(),
    ]);
    metricsPort = await freeLoopbackPort();
    api = await startApi(bundle.path, {
      PORT: String(await freeLoopbackPort()),
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      METRICS_PORT: String(metricsPort),
      METRICS_TOKEN: TEST_METRICS_TOKEN,
      LOG_LEVEL: 'warn',
      RATE_LIMITS: JSON.stringify({
        registerPerAddress: { points: 1000, windowMs: 60_000 },
        loginPerAddress: { points: 2, windowMs: 60_000 },
      }),
    });
    prometheus = await startPrometheus([`127.0.0.1:${metricsPort}`]);
  }, 180_000);
  afterAll(async () => {
    await prometheus?.stop();
    if (api) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    await Promise.all([redis?.stop(), db?.drop()]);
    bundle?.remove();
  }, 120_000);

  it('serves /metrics on the public port only with the bearer token', async () => {
    const without = await fetch(`${api.url}/metrics`);
    expect(without.status).toBe(401);
    const wrong = await fetch(`${api.url}/metrics`, {
      headers: { Authorization: 'Bearer metrics-token-for-the-tesT' },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${api.url}/metrics`, {
      headers: { Authorization: `Bearer ${TEST_METRICS_TOKEN}` },
    });
    expect(right.status).toBe(200);
    expect(right.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await right.text()).toContain('# TYPE confab_deliveries_total counter');
  });

  it('has every series, with the values the traffic moved', async () => {
    const alice = await signUp(api.url, 'alice');
    const room = await alice.api.room.create.mutate({ kind: 'private', name: 'scraped' });
    // A WebSocket device and an SSE device of alice's, both caught up from the join (backfill).
    const received: string[] = [];
    const sub = alice.api.events.onEvent.subscribe(
      { cursors: {}, resume: true },
      {
        onData: ({ data }) => {
          if (data.type === 'message.created') received.push(data.message.body);
        },
      },
    );
    const closeSse = await openSse(api.url, alice.token);
    for (let i = 1; i <= 5; i++)
      await alice.api.message.send.mutate({
        roomId: room.id,
        clientMsgId: `p-${i}`,
        body: `m${i}`,
      });
    // Three sign-ins from one address with a rule of two: the third is refused.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await fetch(`${api.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: alice.username, password: 'correct horse battery' }),
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([200, 200, 429]);

    /** Each expectation: a PromQL expression and what its samples must satisfy. */
    const expectations: Array<[string, (values: number[]) => boolean]> = [
      ['confab_connected_devices{transport="ws"}', (v) => v[0] === 1],
      ['confab_connected_devices{transport="sse"}', (v) => v[0] === 1],
      ['confab_connected_devices{transport="poll"}', (v) => v[0] === 0],
      ['confab_live_streams', (v) => v[0] === 2],
      // Five messages to two devices, plus each device's sync, join and snapshot events.
      ['confab_deliveries_total', (v) => (v[0] ?? 0) >= 10],
      ['confab_send_commit_seconds_count', (v) => v[0] === 5],
      ['confab_send_first_delivery_seconds_count', (v) => v[0] === 5],
      ['confab_commit_batch_size_count', (v) => (v[0] ?? 0) >= 5],
      ['confab_backfill_pages_total', (v) => (v[0] ?? 0) >= 2],
      ['confab_slow_consumer_cutoffs_total', (v) => v[0] === 0],
      ['confab_rate_limit_refusals_total{kind="loginPerAddress"}', (v) => v[0] === 1],
      ['confab_web_push_total{outcome="sent"}', (v) => v[0] === 0],
      ['confab_webhooks_total{outcome="delivered"}', (v) => v[0] === 0],
      ['confab_db_pool_connections{state="total"}', (v) => (v[0] ?? 0) >= 1],
      ['confab_bus_lag_seconds_count', (v) => (v[0] ?? 0) >= 5],
      ['nodejs_eventloop_lag_seconds', (v) => v.length === 1],
    ];
    const deadline = Date.now() + SERIES_GUARD_MS;
    let unmet: string[] = [];
    for (;;) {
      unmet = [];
      for (const [expression, check] of expectations) {
        const samples = await prometheus.query(expression);
        if (!check(samples.map((s) => s.value)))
          unmet.push(`${expression} = ${JSON.stringify(samples.map((s) => s.value))}`);
      }
      if (unmet.length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(unmet).toEqual([]);
    expect(received).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);

    // Every panel of the Grafana dashboard is a valid query that finds data (rates need two
    // scrapes of a series: asked again until they have them, within the guard).
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    let empty: string[] = [];
    for (;;) {
      empty = [];
      for (const panel of dashboard.panels)
        for (const { expr } of panel.targets)
          if ((await prometheus.query(expr)).length === 0) empty.push(`${panel.title}: ${expr}`);
      if (empty.length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(empty).toEqual([]);

    // Devices gone: the gauges fall on the next scrapes.
    sub.unsubscribe();
    alice.close();
    closeSse();
    let live = await prometheus.query('confab_live_streams');
    for (let i = 0; i < 60 && live[0]?.value !== 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      live = await prometheus.query('confab_live_streams');
    }
    expect(live.map((s) => s.value)).toEqual([0]);
  }, 120_000);
});
