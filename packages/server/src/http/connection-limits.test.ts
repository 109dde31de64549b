import { afterEach, describe, expect, it, vi } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { rawExchange, rawRequest } from '../__tests__/raw.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import { openRawSocket } from '../__tests__/ws-raw.js';
import type { ConnectionLimits } from './connection-limits.js';
import { AUTH_TIMEOUT_CLOSE_CODE, IDLE_CLOSE_CODE } from './ws-handler.js';

const STREAM = { cursors: {}, resume: false };

describe('connection caps and deadlines (finding 7)', () => {
  let db: TestDatabase | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await db?.drop();
  });

  async function start(limits: Partial<ConnectionLimits>, trustProxy = false) {
    db = sqliteDatabase();
    server = await startServer(db.url, { connectionLimits: limits, trustProxy });
    return server;
  }

  it('subscriptions per socket: past the cap a subscription is RATE_LIMITED, the rest keep working', async () => {
    const { url } = await start({ maxSubscriptionsPerSocket: 3 });
    const alice = await signUp(url, 'alice');
    const socket = await openRawSocket(url, { Authorization: `Bearer ${alice.token}` });
    for (let id = 1; id <= 3; id++)
      expect((await socket.call(id, 'subscription', 'events.onEvent', STREAM)).result?.type).toBe(
        'started',
      );
    const refused = await socket.call(4, 'subscription', 'events.onEvent', STREAM);
    expect(refused.error?.data?.appCode).toBe('RATE_LIMITED');
    expect(refused.error?.message).toBe('Too many subscriptions on one connection');
    // Stopping one frees its place.
    socket.ws.send(JSON.stringify({ id: 2, method: 'subscription.stop' }));
    let reply = await socket.next(2);
    while (reply.result?.type === 'data') reply = await socket.next(2);
    expect(reply.result?.type).toBe('stopped');
    expect((await socket.call(5, 'subscription', 'events.onEvent', STREAM)).result?.type).toBe(
      'started',
    );
    socket.close();
    alice.close();
  });

  it('streams per user across sockets and SSE: past the cap RATE_LIMITED with retryAfterMs; a closed one frees its place', async () => {
    const started = await start({ maxStreamsPerUser: 2 });
    const bob = await signUp(started.url, 'bob');
    const carol = await signUp(started.url, 'carol');
    const auth = { Authorization: `Bearer ${bob.token}` };
    const first = await openRawSocket(started.url, auth);
    const second = await openRawSocket(started.url, auth);
    expect((await first.call(1, 'subscription', 'events.onEvent', STREAM)).result?.type).toBe(
      'started',
    );
    expect((await second.call(1, 'subscription', 'events.onEvent', STREAM)).result?.type).toBe(
      'started',
    );
    expect(started.server.usage({ userId: bob.user.id }).streams).toBe(2);

    const third = await openRawSocket(started.url, auth);
    const refused = await third.call(1, 'subscription', 'events.onEvent', STREAM);
    expect(refused.error?.data?.appCode).toBe('RATE_LIMITED');
    expect(refused.error?.data?.retryAfterMs).toBe(5000);
    const sse = await rawRequest(started.url, {
      path: `/trpc/events.onEvent?input=${encodeURIComponent(JSON.stringify(STREAM))}`,
      headers: { ...auth, Accept: 'text/event-stream' },
    });
    expect(sse.body).toContain('serialized-error');
    expect(sse.body).toContain('RATE_LIMITED');

    // Another user is not affected.
    const other = await openRawSocket(started.url, { Authorization: `Bearer ${carol.token}` });
    expect((await other.call(1, 'subscription', 'events.onEvent', STREAM)).result?.type).toBe(
      'started',
    );

    first.close();
    await vi.waitFor(() => expect(started.server.usage({ userId: bob.user.id }).streams).toBe(1), {
      timeout: 10_000,
    });
    expect((await third.call(2, 'subscription', 'events.onEvent', STREAM)).result?.type).toBe(
      'started',
    );
    for (const s of [second, third, other]) s.close();
    bob.close();
    carol.close();
  });

  it('requests in flight per socket: the ones past the cap in a burst are RATE_LIMITED', async () => {
    const { url } = await start({ maxInFlightPerSocket: 2 });
    const dave = await signUp(url, 'dave');
    const socket = await openRawSocket(url, { Authorization: `Bearer ${dave.token}` });
    const answers = Array.from({ length: 5 }, (_, i) => socket.next(i + 1));
    // One frame, five queries: all are taken before any answers.
    socket.ws.send(
      JSON.stringify(
        Array.from({ length: 5 }, (_, i) => ({
          id: i + 1,
          method: 'query',
          params: { path: 'room.mine' },
        })),
      ),
    );
    const codes = (await Promise.all(answers)).map((a) => a.error?.data?.appCode ?? 'ok');
    expect(codes).toEqual(['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect((await socket.call(9, 'query', 'room.mine')).result).toBeDefined();
    socket.close();
    dave.close();
  });

  it('TCP connections per address: the one past the cap is closed before a byte is read', async () => {
    const started = await start({ maxConnectionsPerAddress: 3 });
    const held = [1, 2, 3].map(() => rawExchange(started.url, '', 3_000));
    await vi.waitFor(
      () => expect(started.server.usage({ address: '127.0.0.1' }).connections).toBe(3),
      { timeout: 10_000 },
    );
    const refused = await rawExchange(started.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(refused).toEqual({ received: '', closedByServer: true });
    await Promise.all(held);
    await vi.waitFor(
      () => expect(started.server.usage({ address: '127.0.0.1' }).connections).toBe(0),
      { timeout: 10_000 },
    );
    expect((await rawRequest(started.url, { path: '/healthz' })).status).toBe(200);
  });

  it('behind a trusted proxy the TCP cap per address is the proxy’s: every connection comes from it', async () => {
    const started = await start({ maxConnectionsPerAddress: 2 }, true);
    // Four connections at once from one address, each kept open after its answer (without
    // TRUST_PROXY, the two past the cap get nothing: the test above).
    const request = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
    const exchanges = await Promise.all(
      [1, 2, 3, 4].map(() => rawExchange(started.url, request, 2_000)),
    );
    for (const exchange of exchanges) expect(exchange.received).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('a connection that never sends its request headers is closed (408) after headersTimeoutMs', async () => {
    const { url } = await start({ headersTimeoutMs: 500 });
    const idle = await rawExchange(url, '', 10_000);
    expect(idle.closedByServer).toBe(true);
    expect(idle.received).toMatch(/^HTTP\/1\.1 408 /);
    const slow = await rawExchange(url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 10_000);
    expect(slow.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a WebSocket that promised connectionParams and never sent them is closed (1008)', async () => {
    const { url } = await start({ authTimeoutMs: 300 });
    const socket = await openRawSocket(url, {}, '?connectionParams=1');
    expect(await socket.closed).toBe(AUTH_TIMEOUT_CLOSE_CODE);
  });

  it('a WebSocket with no subscription and no request is closed after idleSocketTimeoutMs; a subscribed one stays', async () => {
    const { url } = await start({ idleSocketTimeoutMs: 400 });
    const erin = await signUp(url, 'erin');
    const idle = await openRawSocket(url, { Authorization: `Bearer ${erin.token}` });
    const busy = await openRawSocket(url, { Authorization: `Bearer ${erin.token}` });
    expect((await busy.call(1, 'subscription', 'events.onEvent', STREAM)).result?.type).toBe(
      'started',
    );
    expect(await idle.closed).toBe(IDLE_CLOSE_CODE);
    expect(busy.ws.readyState).toBe(busy.ws.OPEN);
    expect((await busy.call(2, 'query', 'room.mine')).result).toBeDefined();
    busy.close();
    erin.close();
  });
});
