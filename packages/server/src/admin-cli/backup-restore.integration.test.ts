import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { StreamEvent } from '@confab/contracts';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdminBundle, runAdmin } from '../__tests__/admin-cli.js';
import { type ApiProcess, buildApiBundle, startApi } from '../__tests__/api-process.js';
import { ENGINES, sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { freeLoopbackPort } from '../__tests__/redis-server.js';
import { connect, type TestClient } from '../__tests__/server.js';
import { openRawSocket, type RawSocket } from '../__tests__/ws-raw.js';
import { createStoreFromUrl } from '../adapters/kysely/store.js';

interface Acked {
  seq: number;
  id: string;
  body: string;
}

/** A device resuming from `cursors` on a raw socket: its message.created events and syncs. */
function resumingDevice(socket: RawSocket, cursors: Record<string, number>) {
  const messages: Acked[] = [];
  const syncs: Record<string, number>[] = [];
  const waiters: { done: () => boolean; resolve: () => void }[] = [];
  void (async () => {
    for (;;) {
      const frame = await socket.next(1);
      if (frame.error) throw new Error(frame.error.message);
      const event = (frame.result?.data as { data?: StreamEvent } | undefined)?.data;
      if (event?.type === 'message.created')
        messages.push({ seq: event.seq, id: event.message.id, body: event.message.body });
      if (event?.type === 'sync') syncs.push(event.cursors);
      for (const w of waiters.splice(0)) (w.done() ? w.resolve : () => waiters.push(w))();
    }
  })();
  socket.ws.send(
    JSON.stringify({
      id: 1,
      method: 'subscription',
      params: { path: 'events.onEvent', input: { cursors, resume: true } },
    }),
  );
  const until = (done: () => boolean) =>
    done() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ done, resolve }));
  return { messages, syncs, until };
}

const env = (databaseUrl: string, port: number) => ({
  PORT: String(port),
  DATABASE_URL: databaseUrl,
  RATE_LIMITS: JSON.stringify({ registerPerAddress: { points: 1000, windowMs: 60_000 } }),
  SENDS_PER_SECOND: '100000',
  SEND_BURST: '100000',
  // Two senders in closed loops from one address for as long as a backup takes: on a loaded
  // machine they can outrun the per-address request budget (1,000/s after a burst of 2,000),
  // whose refusals (a 429, then new connections closed unread) are not what this test is about.
  CONNECTION_LIMITS: JSON.stringify({
    httpRequestsPerSecondPerAddress: 1_000_000,
    httpRequestBurstPerAddress: 1_000_000,
  }),
});

// The senders' HTTP calls each on a connection of their own (undici's `pipelining: 0`), not on
// kept-alive ones. A client that stops for longer than the server's keep-alive timeout (Node's
// 5 s) sends its next request on a connection the server has just closed, and gets "other side
// closed" (reproduced by blocking a client's event loop for 6 s; a server blocked as long loses
// nothing). Twice in a loaded full run both senders failed so here, during the backup. The SDK
// sends such a message again under its clientMsgId; this test is about backups, so it keeps
// clear of the race instead.
const unkept = new Agent({ pipelining: 0 });
const fetchUnkept = ((input: string, init?: RequestInit) =>
  undiciFetch(input, {
    ...(init as Parameters<typeof undiciFetch>[1]),
    dispatcher: unkept,
  })) as unknown as typeof fetch;
afterAll(() => unkept.close());

// The proof for backups: a backup taken with `confab backup` while a server runs and
// messages are being sent, restored with `confab restore` into a fresh database, serves a device
// resuming from cursors taken before the backup exactly the log up to the backup point, and new
// sends continue the room's seqs from there.
describe.each(ENGINES)('backup and restore on $name', { timeout: 120_000 }, ({ create }) => {
  let api: Awaited<ReturnType<typeof buildApiBundle>>;
  let admin: Awaited<ReturnType<typeof buildAdminBundle>>;
  const databases: TestDatabase[] = [];
  const processes: ApiProcess[] = [];
  const clients: TestClient[] = [];
  const sockets: RawSocket[] = [];
  const backupDir = sqliteDatabase();

  beforeAll(async () => {
    [api, admin] = await Promise.all([buildApiBundle('backup'), buildAdminBundle('backup')]);
  }, 120_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const client of clients) client.close();
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    for (const db of databases) await db.drop();
    await backupDir.drop();
    api?.remove();
    admin?.remove();
  });

  async function serve(databaseUrl: string) {
    const node = await startApi(api.path, env(databaseUrl, await freeLoopbackPort()));
    processes.push(node);
    return node;
  }

  async function register(url: string, username: string) {
    const anonymous = connect(url);
    const { token } = await anonymous.api.auth.register.mutate({
      username,
      displayName: username,
      password: 'correct horse battery',
    });
    anonymous.close();
    return token;
  }

  it('a backup taken during sends restores the log up to its point, and delivery resumes from it', async () => {
    const original = await create();
    databases.push(original);
    const first = await serve(original.url);
    const annToken = await register(first.url, 'ann_backup');
    const bobToken = await register(first.url, 'bob_backup');
    const ann = connect(first.url, annToken, fetchUnkept);
    const bob = connect(first.url, bobToken, fetchUnkept);
    clients.push(ann, bob);
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'kept' });
    await bob.api.room.join.mutate({ roomId: room.id });

    const acked: Acked[] = [];
    // Woken at every acknowledgement and at a failure (waitForAcks below).
    let ackWaiters: (() => void)[] = [];
    const wakeAckWaiters = () => {
      for (const wake of ackWaiters) wake();
      ackWaiters = [];
    };
    const send = async (client: TestClient, body: string) => {
      const r = await client.api.message.send.mutate({ roomId: room.id, clientMsgId: body, body });
      acked.push({ seq: r.seq, id: r.id, body });
      wakeAckWaiters();
    };
    for (let i = 0; i < 10; i++) await send(i % 2 ? bob : ann, `before-${i}`);
    // Bob's device has seen everything so far: its cursor, taken before the backup.
    const cursor = acked.at(-1)?.seq ?? 0;
    for (let i = 0; i < 10; i++) await send(ann, `unseen-${i}`);

    // Two senders keep sending while the backup runs. A send that fails stops them and fails
    // the test below with its error, rather than as an unhandled rejection while the test waits.
    let sending = true;
    const sendFailures: unknown[] = [];
    // This process's longest stall while it sends, for the failure message (see fetchUnkept).
    const stalls = monitorEventLoopDelay({ resolution: 20 });
    stalls.enable();
    const senders = [ann, bob].map(async (client, n) => {
      try {
        for (let i = 0; sending && i < 100_000; i++) await send(client, `during-${n}-${i}`);
      } catch (error) {
        sending = false;
        sendFailures.push(error);
        wakeAckWaiters();
      }
    });
    // Until `count` sends are acknowledged, or one failed (the senders stop at a failure, and
    // the test's timeout bounds a server that neither answers nor fails).
    const waitForAcks = async (count: number) => {
      while (sending && acked.length < count)
        await new Promise<void>((resolve) => ackWaiters.push(resolve));
    };
    await waitForAcks(30);
    const ackedBeforeBackup = Math.max(...acked.map((a) => a.seq));
    const file = join(
      backupDir.url,
      '..',
      `confab-${original.url.startsWith('postgres') ? 'pg.dump' : 'db.sqlite'}`,
    );
    const backup = await runAdmin(admin.path, { DATABASE_URL: original.url }, ['backup', file]);
    const ackedBeforeBackupEnded = Math.max(...acked.map((a) => a.seq));
    const countAfterBackup = acked.length;
    // A few more after the backup: acknowledged, but not in it.
    await waitForAcks(countAfterBackup + 10);
    sending = false;
    await Promise.all(senders);
    stalls.disable();
    // For a failed send: whether this side stalled (see fetchUnkept) and what the server said.
    expect(
      sendFailures,
      `this process stalled up to ${Math.round(stalls.max / 1e6)} ms; the API process (${first.child.exitCode ?? first.child.signalCode ?? 'running'}) printed:\n${first.output().slice(-4000)}`,
    ).toEqual([]);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up to .+ \((sqlite|postgres), \d+ bytes\)/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // Restore into a fresh database; the original is gone as far as this test cares.
    const restored = await create();
    databases.push(restored);
    const restore = await runAdmin(admin.path, { DATABASE_URL: restored.url }, ['restore', file]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);

    // The restored log is whole up to one point: seqs 1..B, each message the acknowledged one.
    const store = await createStoreFromUrl(restored.url);
    const log = await store.eventsAfter(room.id, 0, 100_000);
    await store.close();
    const seqs = log.events.map((e) => e.seq);
    const point = seqs.length;
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(point).toBeGreaterThanOrEqual(ackedBeforeBackup);
    expect(point).toBeLessThanOrEqual(ackedBeforeBackupEnded);
    // Sends went on after it: those acknowledged later are not in the backup.
    expect(Math.max(...acked.map((a) => a.seq))).toBeGreaterThan(point);
    const bySeq = new Map(acked.map((a) => [a.seq, a]));
    const restoredMessages = log.events.flatMap((e) =>
      e.type === 'message.created' ? [{ seq: e.seq, id: e.message.id, body: e.message.body }] : [],
    );
    expect(restoredMessages).toEqual(restoredMessages.map((m) => bySeq.get(m.seq)));
    expect(restore.stdout).toContain(`2 users, 1 rooms, ${restoredMessages.length} messages`);

    // A server on the restored database: Bob's device resumes from its old cursor.
    const second = await serve(restored.url);
    const socket = await openRawSocket(second.url, { Authorization: `Bearer ${bobToken}` });
    sockets.push(socket);
    const device = resumingDevice(socket, { [room.id]: cursor });
    await device.until(() => device.syncs.length > 0);
    const owed = acked
      .filter((a) => a.seq > cursor && a.seq <= point)
      .sort((x, y) => x.seq - y.seq);
    expect(device.messages).toEqual(owed);
    expect(device.syncs).toEqual([{ [room.id]: point }]);

    // New sends continue the seqs with no gap and no duplicate, and reach the device live.
    const annAgain = connect(second.url, annToken);
    clients.push(annAgain);
    const fresh: Acked[] = [];
    for (let i = 0; i < 5; i++) {
      const body = `after-restore-${i}`;
      const r = await annAgain.api.message.send.mutate({
        roomId: room.id,
        clientMsgId: body,
        body,
      });
      fresh.push({ seq: r.seq, id: r.id, body });
    }
    expect(fresh.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5].map((n) => point + n));
    await device.until(() => device.messages.length >= owed.length + fresh.length);
    expect(device.messages).toEqual([...owed, ...fresh]);
  });

  it('restore refuses a database a server runs on, and --force replaces it once stopped', async () => {
    const db = await create();
    databases.push(db);
    const node = await serve(db.url);
    const token = await register(node.url, 'cy_backup');
    const cy = connect(node.url, token);
    clients.push(cy);
    const room = await cy.api.room.create.mutate({ kind: 'private', name: 'replaced' });
    const send = (body: string) =>
      cy.api.message.send.mutate({ roomId: room.id, clientMsgId: body, body });
    await send('kept');
    const file = join(backupDir.url, '..', `refuse-${db.url.startsWith('postgres') ? 'pg' : 'sq'}`);
    const confab = (args: string[]) => runAdmin(admin.path, { DATABASE_URL: db.url }, args);
    expect((await confab(['backup', file])).code).toBe(0);
    await send('lost');

    const again = await confab(['backup', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists: choose another name, or pass --force');
    const refused = await confab(['restore', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      db.url.startsWith('postgres')
        ? /already holds a Confab database and has \d+ other session\(s\) open/
        : /already holds a database \(a server may be running on it\)/,
    );
    expect(
      (await cy.api.message.history.query({ roomId: room.id, limit: 10 })).messages.map(
        (m) => m.body,
      ),
    ).toEqual(['kept', 'lost']);

    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    const forced = await confab(['restore', file, '--force']);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    const store = await createStoreFromUrl(db.url);
    const history = await store.history(room.id, { limit: 10 });
    await store.close();
    expect(history.messages.map((m) => m.body)).toEqual(['kept']);

    const bogus = join(backupDir.url, '..', 'not-a-backup');
    writeFileSync(bogus, 'hello');
    const wrong = await confab(['restore', bogus, '--force']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('is neither a SQLite database nor a pg_dump -Fc file');
  });
});
