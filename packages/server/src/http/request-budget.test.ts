import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { metricValue, TEST_METRICS_TOKEN } from '../__tests__/metrics.js';
import { rawExchange, rawRequest } from '../__tests__/raw.js';
import { startServer, type TestServer } from '../__tests__/server.js';

/** The address's budget: a burst of 5 requests, then one every 100 s (none within this test). */
const BURST = 5;
const LIMITS = { httpRequestsPerSecondPerAddress: 0.01, httpRequestBurstPerAddress: BURST };
const HEALTH = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
const REGISTRATION = JSON.stringify({
  username: 'budget_user',
  displayName: 'budget_user',
  password: 'correct horse battery',
});

/** A registration as raw HTTP/1.1, on a connection that stays open. */
const registration = [
  'POST /trpc/auth.register HTTP/1.1',
  'Host: x',
  'Content-Type: application/json',
  `Content-Length: ${Buffer.byteLength(REGISTRATION)}`,
  '',
  REGISTRATION,
].join('\r\n');

/** A WebSocket upgrade: 101 (then closed) or the status it was refused with. */
async function upgrade(url: string, headers: Record<string, string> = {}): Promise<number> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/trpc`, {
    headers,
    localAddress: '127.0.0.1',
  });
  ws.on('error', () => {});
  const refused = once(ws, 'unexpected-response').then(([, res]) => res.statusCode as number);
  const status = await Promise.race([refused, once(ws, 'open').then(() => 101)]);
  ws.terminate();
  return status;
}

describe('HTTP requests and WebSocket upgrades are budgeted per client address', () => {
  let db: TestDatabase;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await db.drop();
  });
  const start = async (trustProxy: boolean) => {
    db = sqliteDatabase();
    server = await startServer(db.url, {
      connectionLimits: LIMITS,
      trustProxy,
      metricsToken: TEST_METRICS_TOKEN,
    });
    return server.url;
  };

  it('past its budget a request is refused RATE_LIMITED, runs nothing and closes its connection; the address’s new connections are closed unread; other addresses are served', async () => {
    const url = await start(false);
    // Five requests on one connection, and a registration after them.
    const exchange = await rawExchange(url, HEALTH.repeat(BURST) + registration, 10_000);
    expect(exchange.closedByServer).toBe(true);
    const statuses = [...exchange.received.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => m[1]);
    expect(statuses).toEqual([...Array(BURST).fill('200'), '429']);
    const refused = exchange.received.slice(exchange.received.lastIndexOf('HTTP/1.1'));
    expect(refused).toMatch(/\r\nConnection: close\r\n/i);
    // Its body, one chunk of JSON.
    const body = JSON.parse(refused.slice(refused.indexOf('{'), refused.lastIndexOf('}') + 1));
    expect(body.error.data.appCode).toBe('RATE_LIMITED');
    expect(body.error.data.retryAfterMs).toBeGreaterThan(90_000);

    // Spent: a new connection of the address is closed before a byte of it is read.
    expect(await rawExchange(url, HEALTH, 5_000)).toEqual({ received: '', closedByServer: true });

    // Nothing ran: the name is free, and another address (its own budget) takes it.
    const elsewhere = await rawRequest(url, {
      method: 'POST',
      path: '/trpc/auth.register',
      headers: { 'Content-Type': 'application/json' },
      body: REGISTRATION,
      localAddress: '127.0.0.2',
    });
    expect(elsewhere.status).toBe(200);
    // Counted for the operator: the refused request and the connection closed unread.
    expect(
      await metricValue(url, 'confab_rate_limit_refusals_total{kind="httpRequestsPerAddress"}'),
    ).toBe(2);
  });

  it('behind a trusted proxy the client is the forwarded address: past its budget its upgrade gets 429', async () => {
    const url = await start(true);
    const from = (address: string) => ({ 'X-Forwarded-For': address });
    for (let i = 0; i < BURST - 1; i++)
      expect((await rawRequest(url, { path: '/healthz', headers: from('10.9.9.9') })).status).toBe(
        200,
      );
    expect(await upgrade(url, from('10.9.9.9'))).toBe(101);
    expect(await upgrade(url, from('10.9.9.9'))).toBe(429);
    expect(await upgrade(url, from('10.9.9.10'))).toBe(101);
  });
});
