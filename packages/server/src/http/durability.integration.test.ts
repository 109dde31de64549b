import type { SendResult } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, buildApiBundle, startApi as spawnApi } from '../__tests__/api-process.js';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import { freeLoopbackPort as freePort } from '../__tests__/redis-server.js';
import { connect } from '../__tests__/server.js';

let bundle: Awaited<ReturnType<typeof buildApiBundle>> | undefined;

/** Starts the built API process and resolves once it says it listens and /healthz answers. */
async function startApi(databaseUrl: string, port: number): Promise<ApiProcess> {
  if (!bundle) throw new Error('no bundle');
  const api = await spawnApi(bundle.path, { PORT: String(port), DATABASE_URL: databaseUrl });
  const health = await fetch(`${api.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ ok: true });
  return api;
}

async function crash(api: ApiProcess) {
  api.child.kill('SIGKILL');
  expect(await api.exited).toBe('SIGKILL');
}

beforeAll(async () => {
  bundle = await buildApiBundle('durability');
}, 60_000);
afterAll(() => bundle?.remove());

describe.each(ENGINES)('the API process on $name, killed with SIGKILL', ({ create }) => {
  let db: TestDatabase;
  let running: ApiProcess | undefined;
  beforeAll(async () => {
    db = await create();
  });
  afterAll(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null)
      await crash(running);
    await db?.drop();
  });

  it('keeps every acknowledged message, with its seq and body, and its sessions', async () => {
    const port = await freePort();
    running = await startApi(db.url, port);
    const anonymous = connect(running.url);
    const auth = await anonymous.api.auth.register.mutate({
      username: 'durable_dora',
      displayName: 'Dora',
      password: 'correct horse battery',
    });
    anonymous.close();
    const dora = connect(running.url, auth.token);
    const roomId = (await dora.api.room.create.mutate({ kind: 'private', name: 'ledger' })).id;

    // Fifteen sends, each awaited...
    const acked: { clientMsgId: string; body: string; ack: SendResult }[] = [];
    for (let i = 0; i < 15; i++) {
      const input = { roomId, clientMsgId: `awaited-${i}`, body: `entry ${i}` };
      acked.push({ ...input, ack: await dora.api.message.send.mutate(input) });
    }
    // ...then five at once, and the process dies as soon as the first is acknowledged: the
    // others may or may not have been committed, but any that was acknowledged must be.
    const inFlight = Array.from({ length: 5 }, (_, i) => ({
      roomId,
      clientMsgId: `in-flight-${i}`,
      body: `late entry ${i}`,
    }));
    const api = running;
    const settled = await Promise.allSettled(
      inFlight.map(async (input) => {
        const ack = await dora.api.message.send.mutate(input);
        api.child.kill('SIGKILL');
        return ack;
      }),
    );
    expect(await api.exited).toBe('SIGKILL');
    settled.forEach((result, i) => {
      const input = inFlight[i];
      if (result.status === 'fulfilled' && input) acked.push({ ...input, ack: result.value });
    });
    expect(acked.length).toBeGreaterThanOrEqual(16);
    dora.close();

    // Restarted on the same database (and port), the same token still signs in.
    running = await startApi(db.url, port);
    const again = connect(running.url, auth.token);
    expect((await again.api.auth.me.query()).user).toEqual(auth.user);
    const { messages, hasMore } = await again.api.message.history.query({ roomId, limit: 100 });
    expect(hasMore).toBe(false);
    const stored = new Map(messages.map((m) => [m.clientMsgId, m]));
    for (const { clientMsgId, body, ack } of acked) {
      expect(stored.get(clientMsgId)).toMatchObject({ id: ack.id, seq: ack.seq, body });
    }
    // The log survived whole: seqs 1..lastSeq without a gap, whatever the crash interrupted.
    const room = await again.api.room.byId.query({ roomId });
    const log = await again.api.message.eventsAfter.query({ roomId, afterSeq: 0 });
    expect(log.events.map((e) => e.seq)).toEqual(
      Array.from({ length: room.lastSeq }, (_, i) => i + 1),
    );
    expect(messages.map((m) => m.seq)).toEqual(log.events.slice(1).map((e) => e.seq));

    // A retry of an acknowledged send after the restart posts nothing new; a new send is next.
    const first = acked[0];
    if (!first) throw new Error('unreachable');
    expect(
      await again.api.message.send.mutate({
        roomId,
        clientMsgId: first.clientMsgId,
        body: first.body,
      }),
    ).toEqual(first.ack);
    const next = await again.api.message.send.mutate({
      roomId,
      clientMsgId: 'after-restart',
      body: 'still counting',
    });
    expect(next.seq).toBe(room.lastSeq + 1);
    again.close();
    await crash(running);
  });
});
