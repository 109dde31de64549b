import { existsSync, readFileSync } from 'node:fs';
import type { StreamEvent } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdminBundle, runAdmin } from '../__tests__/admin-cli.js';
import { type ApiCluster, startApiCluster } from '../__tests__/api-cluster.js';
import { type ApiProcess, buildApiBundle, startApi } from '../__tests__/api-process.js';
import { postgresDatabase, type TestDatabase } from '../__tests__/databases.js';
import { connectionsHeld } from '../__tests__/proc-connections.js';
import {
  freeLoopbackPort,
  startRedisServer,
  type TestRedisServer,
} from '../__tests__/redis-server.js';
import { connect, type TestClient } from '../__tests__/server.js';
import { openRawSocket, type RawSocket } from '../__tests__/ws-raw.js';

/**
 * A device's stream on a raw socket: every message.created body in arrival order, and the app
 * code of the error that ends it, if one does.
 */
function deviceStream(socket: RawSocket) {
  const bodies: string[] = [];
  const seqs: number[] = [];
  let synced: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    synced = resolve;
  });
  let endedWith: (appCode: string | undefined) => void = () => {};
  const ended = new Promise<string | undefined>((resolve) => {
    endedWith = resolve;
  });
  let endError: Error | undefined;
  const waiters: { count: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  void (async () => {
    for (;;) {
      const frame = await socket.next(1);
      if (frame.error) {
        // The stream is over: whoever still waits for messages hears why.
        endError = new Error(frame.error.message);
        for (const w of waiters.splice(0)) w.reject(endError);
        endedWith(frame.error.data?.appCode);
        return;
      }
      const event = (frame.result?.data as { data?: StreamEvent } | undefined)?.data;
      if (event?.type === 'sync') synced();
      if (event?.type === 'message.created') {
        bodies.push(event.message.body);
        seqs.push(event.seq);
        for (const w of waiters.splice(0)) {
          if (bodies.length >= w.count) w.resolve();
          else waiters.push(w);
        }
      }
    }
  })();
  socket.ws.send(
    JSON.stringify({
      id: 1,
      method: 'subscription',
      params: { path: 'events.onEvent', input: {} },
    }),
  );
  return {
    bodies,
    seqs,
    ready,
    /** Resolves with the app code of the error that ends the stream. */
    ended: () => ended,
    /** Resolves once `count` messages have arrived; rejects if the stream ends first. */
    received: (count: number) =>
      bodies.length >= count
        ? Promise.resolve()
        : endError
          ? Promise.reject(endError)
          : new Promise<void>((resolve, reject) => waiters.push({ count, resolve, reject })),
  };
}

/** Each seq once, one after the other. */
function expectContiguous(seqs: number[]) {
  const first = seqs[0] ?? 0;
  expect(seqs).toEqual(seqs.map((_, i) => first + i));
}

/**
 * Two API processes on one PostgreSQL and one Redis (REDIS_URL), no sticky sessions: delivery,
 * revocation, long polls and rate limits across them (docs/scaling.md). Presence, the nginx
 * deployment and chaos have files of their own (cluster-*.integration.test.ts).
 */
describe('two API processes on PostgreSQL and Redis', () => {
  let cluster: ApiCluster | undefined;
  let nodes: ApiProcess[] = [];
  let redis: TestRedisServer;
  const clients: TestClient[] = [];
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    cluster = await startApiCluster('cluster', 2, {
      RATE_LIMITS: JSON.stringify({
        registerPerAddress: { points: 1000, windowMs: 60_000 },
        roomCreatePerUser: { points: 4, windowMs: 60_000 },
      }),
      // Sends as fast as the test makes them (the send limit is tested on its own).
      SENDS_PER_SECOND: '100000',
      SEND_BURST: '100000',
    });
    ({ nodes, redis } = cluster);
  }, 90_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  async function user(node: ApiProcess, name: string) {
    const anonymous = connect(node.url);
    const { token, session } = await anonymous.api.auth.register.mutate({
      username: name,
      displayName: name,
      password: 'correct horse battery',
    });
    anonymous.close();
    const client = connect(node.url, token);
    clients.push(client);
    return { client, token, sessionId: session.id };
  }

  /** A client on `node` whose session cache holds the session (two calls made with it). */
  async function cachedOn(node: ApiProcess, token: string) {
    const client = connect(node.url, token);
    clients.push(client);
    await client.api.auth.me.query();
    await client.api.auth.me.query();
    return client;
  }

  async function device(node: ApiProcess, token: string) {
    const socket = await openRawSocket(node.url, { Authorization: `Bearer ${token}` });
    sockets.push(socket);
    const stream = deviceStream(socket);
    await stream.ready;
    return stream;
  }

  it('messages sent on either node reach the devices on both, each once, in seq order', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    expect(a.output()).toContain('fan-out: Redis');
    const ann = await user(a, 'ann_cluster');
    const bob = await user(b, 'bob_cluster');
    const room = await ann.client.api.room.create.mutate({ kind: 'public', name: 'across' });
    await bob.client.api.room.join.mutate({ roomId: room.id });
    const onA = await device(a, ann.token);
    const onB = await device(b, bob.token);

    const send = (who: typeof ann, prefix: string) =>
      (async () => {
        for (let i = 0; i < 30; i++)
          await who.client.api.message.send.mutate({
            roomId: room.id,
            clientMsgId: `${prefix}${i}`,
            body: `${prefix}${i}`,
          });
      })();
    await Promise.all([send(ann, 'a'), send(bob, 'b')]);
    await Promise.all([onA.received(60), onB.received(60)]);
    expect(onB.bodies).toEqual(onA.bodies);
    expect([...onA.bodies].sort()).toEqual(
      [...Array.from({ length: 30 }, (_, i) => [`a${i}`, `b${i}`])].flat().sort(),
    );
    expectContiguous(onA.seqs);
    expectContiguous(onB.seqs);
  });

  it('Redis killed and restarted: messages acknowledged meanwhile reach every device, once, in order', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const cy = await user(a, 'cy_cluster');
    const di = await user(b, 'di_cluster');
    const room = await cy.client.api.room.create.mutate({ kind: 'public', name: 'outage' });
    await di.client.api.room.join.mutate({ roomId: room.id });
    const onA = await device(a, cy.token);
    const onB = await device(b, di.token);

    await redis.kill();
    // Rate limits counted in Redis fall back to each process's memory: calls still work.
    expect((await cy.client.api.room.mine.query()).map((r) => r.room.id)).toContain(room.id);
    // Committed while no node can publish: acknowledged all the same.
    const during = ['while', 'redis', 'was', 'down'];
    for (const body of during)
      await cy.client.api.message.send.mutate({ roomId: room.id, clientMsgId: body, body });
    await redis.restart();
    // The buses reconnect, tell every stream of the gap, and the streams read the log.
    await Promise.all([onA.received(during.length), onB.received(during.length)]);
    await di.client.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'after',
      body: 'after',
    });
    await Promise.all([onA.received(5), onB.received(5)]);
    expect(onA.bodies).toEqual([...during, 'after']);
    expect(onB.bodies).toEqual([...during, 'after']);
    expectContiguous(onA.seqs);
    expectContiguous(onB.seqs);
  }, 60_000);

  it('signing out on one node ends the session’s stream on the other at once', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const fay = await user(a, 'fay_cluster');
    const stream = await device(b, fay.token);
    // A call on node B first: its session cache now holds the session.
    const onB = await cachedOn(b, fay.token);
    await fay.client.api.auth.logout.mutate();
    expect(await stream.ended()).toBe('SESSION_REVOKED');
    await expect(onB.api.auth.me.query()).rejects.toMatchObject({
      data: { appCode: 'SESSION_REVOKED' },
    });
  });

  it('`confab sessions revoke` (the admin command line, with REDIS_URL) ends the session on both nodes at once', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const hal = await user(a, 'hal_cluster');
    const other = await user(b, 'jo_cluster');
    const room = await other.client.api.room.create.mutate({ kind: 'public', name: 'still' });
    const streams = [await device(a, hal.token), await device(b, hal.token)];
    const otherDevice = await device(b, other.token);
    // Both nodes hold the session in their caches, which they would trust for up to a minute.
    const cached = [await cachedOn(a, hal.token), await cachedOn(b, hal.token)];
    const bundle = await buildAdminBundle('cluster');
    try {
      const run = await runAdmin(
        bundle.path,
        { DATABASE_URL: cluster?.db.url ?? '', REDIS_URL: redis.url },
        ['sessions', 'revoke', 'hal_cluster', hal.sessionId],
      );
      expect(run).toEqual({
        code: 0,
        stdout: `1 session(s) of hal_cluster revoked\n`,
        stderr: '',
      });
    } finally {
      bundle.remove();
    }
    expect(await Promise.all(streams.map((s) => s.ended()))).toEqual([
      'SESSION_REVOKED',
      'SESSION_REVOKED',
    ]);
    for (const client of cached)
      await expect(client.api.auth.me.query()).rejects.toMatchObject({
        data: { appCode: 'SESSION_REVOKED' },
      });
    // Another user's session and stream are untouched.
    await other.client.api.message.send.mutate({ roomId: room.id, clientMsgId: 'c1', body: 'hi' });
    await otherDevice.received(1);
    expect(otherDevice.bodies).toEqual(['hi']);
  }, 60_000);

  it('long polls that alternate between the nodes get every message once, in order', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const gus = await user(a, 'gus_cluster');
    const room = await gus.client.api.room.create.mutate({ kind: 'public', name: 'polled' });
    const onB = connect(b.url, gus.token);
    clients.push(onB);
    const pollers = [gus.client, onB];
    const cursors: Record<string, number> = {};
    let pollId: string | undefined;
    const received: string[] = [];
    // No sticky sessions: each poll goes to the other node than the last one.
    const poll = async (i: number) => {
      const answer = await (pollers[i % 2] ?? onB).api.events.poll.query({
        cursors,
        resume: true,
        waitMs: 0,
        ...(pollId ? { pollId } : {}),
      });
      pollId = answer.pollId;
      for (const event of answer.events) {
        if (!('seq' in event)) continue;
        if (event.seq <= (cursors[event.roomId] ?? 0)) continue;
        cursors[event.roomId] = event.seq;
        if (event.type === 'message.created') received.push(event.message.body);
      }
    };
    await poll(0);
    const sent: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const body = `poll-${i}`;
      sent.push(body);
      await gus.client.api.message.send.mutate({ roomId: room.id, clientMsgId: body, body });
      await poll(i);
    }
    for (let i = 7; received.length < sent.length && i < 20; i++) await poll(i);
    expect(received).toEqual(sent);
  });

  it('signals that wait between polls reach the device when its next poll goes to the other node', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const ida = await user(a, 'ida_cluster');
    const room = await ida.client.api.room.create.mutate({ kind: 'public', name: 'whispers' });
    // Three people who type while Ida is between two polls, on either node.
    const typists = [];
    for (const [i, node] of [a, b, a].entries()) {
      const typist = await user(node, `typist${i}_cluster`);
      await typist.client.api.room.join.mutate({ roomId: room.id });
      const me = await typist.client.api.auth.me.query();
      typists.push({ ...typist, userId: me.user.id });
    }
    const onB = connect(b.url, ida.token);
    clients.push(onB);
    const pollers = [ida.client, onB];
    let pollId: string | undefined;
    const poll = async (i: number) => {
      const answer = await (pollers[i % 2] ?? onB).api.events.poll.query({
        waitMs: 0,
        ...(pollId ? { pollId } : {}),
      });
      pollId = answer.pollId;
      return answer.events;
    };
    // Live on node A (its first answer carries the sync point).
    expect((await poll(0)).map((e) => e.type)).toContain('sync');
    const sessionPart = pollId?.split('.')[0];
    for (const [i, typist] of typists.entries()) {
      // Someone types while nobody polls: the signal waits in the session on the node that
      // answered the last poll...
      await typist.client.api.presence.typing.mutate({ roomId: room.id });
      // ...and the next poll, on the other node, gets it: once, and with nothing else typed.
      const events = await poll(i + 1);
      const typing = events.filter((e) => e.type === 'typing');
      expect(typing.map((e) => e.userId)).toEqual([typist.userId]);
      // The session is continued, not replaced: the poll id keeps its session part.
      expect(pollId?.split('.')[0]).toBe(sessionPart);
    }
  });

  it('a rate limit holds across the nodes: counted in Redis, not per process', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const eve = await user(a, 'eve_cluster');
    const onB = connect(b.url, eve.token);
    clients.push(onB);
    // roomCreatePerUser is 4 here: two rooms on each node use them up...
    for (const [i, client] of [eve.client, onB, eve.client, onB].entries())
      await client.api.room.create.mutate({ kind: 'private', name: `limited ${i}` });
    // ...so the fifth is refused on either node.
    for (const client of [eve.client, onB])
      await expect(
        client.api.room.create.mutate({ kind: 'private', name: 'one too many' }),
      ).rejects.toMatchObject({ data: { appCode: 'RATE_LIMITED' } });
  });
});

/** The child processes of `pid` (Linux: /proc/<pid>/task/<pid>/children). */
function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

describe('WORKERS=2: two worker processes on one port', () => {
  let bundle: Awaited<ReturnType<typeof buildApiBundle>>;
  let db: TestDatabase;
  let redis: TestRedisServer;
  let api: ApiProcess;
  let startedAt = 0;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    bundle = await buildApiBundle('workers');
    db = await postgresDatabase();
    redis = await startRedisServer();
    api = await startApi(bundle.path, {
      PORT: String(await freeLoopbackPort()),
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      WORKERS: '2',
      SENDS_PER_SECOND: '100000',
      SEND_BURST: '100000',
      RATE_LIMITS: JSON.stringify({ registerPerAddress: { points: 1000, windowMs: 60_000 } }),
    });
    // Every worker was forked before the primary said they all listen: each has lived at least
    // this long (measured from here, not from the spawn: a loaded machine forks late).
    startedAt = Date.now();
  }, 90_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    if (api && api.child.exitCode === null) api.child.kill('SIGKILL');
    await redis?.stop();
    await db?.drop();
    bundle?.remove();
  });

  it('serves devices from both workers and delivers to all', async () => {
    expect(api.output()).toContain('(2 workers)');
    const pid = api.child.pid ?? 0;
    expect(childrenOf(pid)).toHaveLength(2);

    const owner = connect(api.url);
    const users: { client: TestClient; token: string }[] = [];
    for (const name of ['wa', 'wb', 'wc']) {
      const { token } = await owner.api.auth.register.mutate({
        username: `${name}_workers`,
        displayName: name,
        password: 'correct horse battery',
      });
      users.push({ client: connect(api.url, token), token });
    }
    owner.close();
    const [first] = users;
    if (!first) throw new Error('no user');
    const room = await first.client.api.room.create.mutate({ kind: 'public', name: 'workers' });
    for (const u of users.slice(1)) await u.client.api.room.join.mutate({ roomId: room.id });
    // Six devices: connections are handed to the workers in turn, so both serve some.
    const devices = [];
    for (const u of [...users, ...users]) {
      const socket = await openRawSocket(api.url, { Authorization: `Bearer ${u.token}` });
      sockets.push(socket);
      const stream = deviceStream(socket);
      await stream.ready;
      devices.push(stream);
    }
    for (let i = 0; i < 10; i++)
      for (const u of users)
        await u.client.api.message.send.mutate({
          roomId: room.id,
          clientMsgId: `w${i}-${users.indexOf(u)}`,
          body: `w${i}-${users.indexOf(u)}`,
        });
    // Both workers hold some of the devices' sockets (and the clients' HTTP connections).
    const port = Number(new URL(api.url).port);
    const held = childrenOf(pid).map((worker) => connectionsHeld(worker, port));
    expect(
      held.every((n) => n > 0),
      `connections per worker: ${held.join(', ')}`,
    ).toBe(true);
    await Promise.all(devices.map((d) => d.received(30)));
    for (const device of devices) {
      expect(device.bodies).toEqual(devices[0]?.bodies);
      expectContiguous(device.seqs);
    }
    for (const u of users) u.client.close();
  }, 60_000);

  it('replaces a worker that dies, and drains on SIGTERM', async () => {
    const pid = api.child.pid ?? 0;
    const before = childrenOf(pid);
    const [victim, survivor] = before;
    // A worker that dies within 5 s of starting is not replaced (a crash loop): wait that out.
    await expect
      .poll(() => Date.now() - startedAt, { timeout: 10_000, interval: 250 })
      .toBeGreaterThan(5_500);
    // Never pid 0: that is the whole process group (the test runner and its other workers).
    if (victim === undefined || victim <= 0) throw new Error(`no worker to kill: ${before}`);
    process.kill(victim, 'SIGKILL');
    await expect
      .poll(() => childrenOf(pid), { timeout: 20_000, interval: 100 })
      .toEqual(expect.arrayContaining([survivor]));
    await expect
      .poll(() => childrenOf(pid).filter((p) => p !== survivor && p !== victim).length, {
        timeout: 20_000,
        interval: 100,
      })
      .toBe(1);
    // The primary says so before it forks the replacement, but its output comes through a pipe
    // the test reads on its own time: the new worker can be in /proc first.
    await expect
      .poll(() => api.output(), { timeout: 5_000, interval: 50 })
      .toContain(`worker ${victim} exited (SIGKILL)`);

    const workers = childrenOf(pid);
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    // The primary exits after its workers, not instead of them.
    for (const worker of workers) expect(existsSync(`/proc/${worker}`)).toBe(false);
  }, 60_000);
});
