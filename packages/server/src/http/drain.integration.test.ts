import { connect as connectTcp, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiProcess, buildApiBundle, startApi } from '../__tests__/api-process.js';
import { postgresDatabase, type TestDatabase } from '../__tests__/databases.js';
import { freeLoopbackPort } from '../__tests__/redis-server.js';
import { signUp } from '../__tests__/server.js';

let bundle: Awaited<ReturnType<typeof buildApiBundle>> | undefined;
beforeAll(async () => {
  bundle = await buildApiBundle('drain');
}, 120_000);
afterAll(() => bundle?.remove());

/** The API process on `db`, draining within `drainTimeoutMs` when stopped. */
async function start(db: TestDatabase, drainTimeoutMs: number): Promise<ApiProcess> {
  if (!bundle) throw new Error('no bundle');
  return startApi(bundle.path, {
    PORT: String(await freeLoopbackPort()),
    DATABASE_URL: db.url,
    DRAIN_TIMEOUT_MS: String(drainTimeoutMs),
  });
}

/** SIGTERM, and resolves once the process says it drains (its listener is closed by then). */
async function terminate(api: ApiProcess): Promise<number> {
  api.child.kill('SIGTERM');
  await vi.waitFor(
    () => {
      if (!api.output().includes('SIGTERM: draining')) throw new Error('not draining yet');
    },
    { timeout: 30_000, interval: 20 },
  );
  return Date.now();
}

/** Whether a new TCP connection to `url` is accepted. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connectTcp(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the API process on SIGTERM', () => {
  let db: TestDatabase;
  let api: ApiProcess | undefined;
  let locker: pg.Client | undefined;
  beforeAll(async () => {
    db = await postgresDatabase();
  });
  afterEach(async () => {
    await locker?.end();
    locker = undefined;
    if (api && api.child.exitCode === null && api.child.signalCode === null) {
      api.child.kill('SIGKILL');
      await api.exited;
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Holds a room's row lock in PostgreSQL: a send into the room waits in its commit. */
  async function lockRoom(roomId: string): Promise<pg.Client> {
    locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM rooms WHERE id = $1 FOR UPDATE', [roomId]);
    return locker;
  }

  /** Resolves once a statement of the API process waits for a row lock. */
  async function sendWaitsForLock(): Promise<void> {
    const watcher = new pg.Client({ connectionString: db.url });
    await watcher.connect();
    try {
      await vi.waitFor(
        async () => {
          const { rows } = await watcher.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          if (rows[0]?.n !== 1) throw new Error('no send waiting for the lock yet');
        },
        { timeout: 30_000, interval: 20 },
      );
    } finally {
      await watcher.end();
    }
  }

  it('stops accepting at once, answers the send mid-commit, then exits 0', async () => {
    api = await start(db, 30_000);
    const client = await signUp(api.url, 'mid_commit');
    const room = await client.api.room.create.mutate({ kind: 'private', name: 'drained' });
    const lock = await lockRoom(room.id);
    const send = client.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'mid-commit',
      body: 'sent while the node drains',
    });
    await sendWaitsForLock();

    await terminate(api);
    // The listener is closed at once: a proxy would send the next device elsewhere.
    expect(await accepts(api.url)).toBe(false);
    expect(api.child.exitCode).toBe(null);

    await lock.query('COMMIT');
    const ack = await send;
    expect(ack).toMatchObject({ seq: 2 });
    expect(await api.exited).toBe(0);
    expect(api.output()).not.toContain('were cut');
    const { rows } = await lock.query(
      'SELECT body, seq::int AS seq FROM messages WHERE client_msg_id = $1',
      ['mid-commit'],
    );
    expect(rows).toEqual([{ body: 'sent while the node drains', seq: 2 }]);
    client.close();
  }, 120_000);

  it('cuts a request that never finishes at DRAIN_TIMEOUT_MS and exits 0', async () => {
    const drainTimeoutMs = 2_000;
    api = await start(db, drainTimeoutMs);
    const { hostname, port } = new URL(api.url);
    // A send whose body never arrives: the request is running, never idle.
    const socket: Socket = connectTcp(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let answered = '';
    socket.on('data', (chunk: Buffer) => {
      answered += chunk.toString();
    });
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.write(
      'POST /trpc/message.send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"roomId":',
    );

    const termAt = await terminate(api);
    expect(await api.exited).toBe(0);
    // Not before the deadline: the request could still have finished until then.
    expect(Date.now() - termAt).toBeGreaterThanOrEqual(drainTimeoutMs - 100);
    await socketClosed;
    expect(answered).toBe('');
    expect(api.output()).toContain(`connections still open after ${drainTimeoutMs} ms were cut`);
  }, 120_000);

  it('exits 1 when closing the store still hangs 5 s after the deadline', async () => {
    const drainTimeoutMs = 2_000;
    api = await start(db, drainTimeoutMs);
    const client = await signUp(api.url, 'stuck_commit');
    const room = await client.api.room.create.mutate({ kind: 'private', name: 'stuck' });
    await lockRoom(room.id);
    const send = client.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'stuck',
      body: 'never committed',
    });
    send.catch(() => {});
    await sendWaitsForLock();

    const termAt = await terminate(api);
    // The lock is never released: the drain cuts the request at its deadline, and closing the
    // store waits for the query forever, so the process gives up 5 s later.
    await expect(send).rejects.toThrow();
    expect(await api.exited).toBe(1);
    expect(Date.now() - termAt).toBeGreaterThanOrEqual(drainTimeoutMs + 5_000 - 100);
    expect(api.output()).toContain('Shutdown still not done 5000 ms after the drain deadline');
    client.close();
  }, 120_000);
});
