import { LIMITS } from '@confab/contracts';
import { getUntypedClient, type TRPCClient, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';

const SEND_RATE = { perSecond: 1, burst: LIMITS.sendBurst };

import type { AppRouter } from '../routers/root.js';

/** The refusal a call ended with: the whole error data, and the message. */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) {
    throw new Error(`expected a refusal, got ${error === undefined ? 'success' : String(error)}`);
  }
  const { data, message } = error as TRPCClientError<AppRouter>;
  return {
    message,
    appCode: data?.appCode,
    issues: data?.issues,
    retryAfterMs: data?.retryAfterMs,
  };
}

/** Resolves with the first message.created a device's stream carries after `live`. */
function firstMessage(api: TRPCClient<AppRouter>, cursors: Record<string, number>) {
  let stop = () => {};
  const message = new Promise<unknown>((resolve, reject) => {
    const subscription = getUntypedClient(api).subscription(
      'events.onEvent',
      { cursors, resume: true },
      {
        onData: (tracked: unknown) => {
          const { data } = tracked as { data: { type?: string } };
          if (data.type === 'message.created') resolve(data);
        },
        onError: reject,
      },
    );
    stop = () => subscription.unsubscribe();
  });
  return { message, stop: () => stop() };
}

describe('limits', () => {
  let db: TestDatabase;
  let server: TestServer;
  type User = Awaited<ReturnType<typeof signUp>>;
  let alice: User;
  let bob: User;
  let roomId: string;

  beforeAll(async () => {
    db = sqliteDatabase();
    // A slow refill (1 per second), so that however slowly this machine serves the 30 sends
    // below, fewer than 10 tokens come back while they run: some are refused, always.
    server = await startServer(db.url, { sendRate: SEND_RATE });
    [alice, bob] = await Promise.all([signUp(server.url, 'alice'), signUp(server.url, 'bob')]);
    roomId = (await alice.api.room.create.mutate({ kind: 'public', name: 'limits', topic: 't' }))
      .id;
    await bob.api.room.join.mutate({ roomId });
    await alice.api.message.send.mutate({ roomId, clientMsgId: 'first', body: 'first' });
  });
  afterAll(async () => {
    alice?.close();
    bob?.close();
    await server?.close();
    await db?.drop();
  });

  async function state() {
    const [room, log, mine] = await Promise.all([
      alice.api.room.byId.query({ roomId }),
      alice.api.message.eventsAfter.query({ roomId, afterSeq: 0 }),
      alice.api.room.mine.query(),
    ]);
    return { room, log, mine };
  }

  it('over-long body, name and topic are refused with VALIDATION and change nothing', async () => {
    const before = await state();
    expect(
      await refusal(
        alice.api.message.send.mutate({ roomId, clientMsgId: 'long', body: 'x'.repeat(4001) }),
      ),
    ).toEqual({
      message: 'body: Message is longer than 4000 characters',
      appCode: 'VALIDATION',
      issues: [{ path: 'body', message: 'Message is longer than 4000 characters' }],
      retryAfterMs: undefined,
    });
    const name81 = 'n'.repeat(LIMITS.roomNameMaxChars + 1);
    expect(await refusal(alice.api.room.create.mutate({ kind: 'public', name: name81 }))).toEqual({
      message: 'name: Room name can have at most 80 characters',
      appCode: 'VALIDATION',
      issues: [{ path: 'name', message: 'Room name can have at most 80 characters' }],
      retryAfterMs: undefined,
    });
    expect(await refusal(alice.api.room.update.mutate({ roomId, name: name81 }))).toMatchObject({
      appCode: 'VALIDATION',
      issues: [{ path: 'name', message: 'Room name can have at most 80 characters' }],
    });
    expect(
      await refusal(alice.api.room.update.mutate({ roomId, topic: 't'.repeat(301) })),
    ).toMatchObject({
      appCode: 'VALIDATION',
      issues: [{ path: 'topic', message: 'Topic can have at most 300 characters' }],
    });
    expect(await refusal(alice.api.room.update.mutate({ roomId }))).toMatchObject({
      appCode: 'VALIDATION',
      message: 'Give a name, a topic or a kind to change',
    });
    // Exactly at the limits is fine.
    const at = await alice.api.message.send.mutate({
      roomId,
      clientMsgId: 'exactly-4000',
      body: 'y'.repeat(4000),
    });
    expect(at.seq).toBe(before.room.lastSeq + 1);
    const after = await state();
    expect(after.log.events.slice(0, -1)).toEqual(before.log.events);
    expect(after.room).toMatchObject({ name: 'limits', topic: 't' });
    expect(after.mine.map((s) => s.room.id)).toEqual(before.mine.map((s) => s.room.id));
  });

  it('page sizes above the maximum are refused with VALIDATION', async () => {
    for (const [call, path] of [
      [alice.api.message.history.query({ roomId, limit: LIMITS.historyPageMax + 1 }), 'limit'],
      [
        alice.api.message.eventsAfter.query({
          roomId,
          afterSeq: 0,
          limit: LIMITS.eventsAfterMax + 1,
        }),
        'limit',
      ],
      [alice.api.room.listPublic.query({ limit: LIMITS.roomListMax + 1 }), 'limit'],
      [alice.api.message.history.query({ roomId, limit: 0 }), 'limit'],
    ] as const) {
      const refused = await refusal(call);
      expect(refused.appCode).toBe('VALIDATION');
      expect(refused.issues?.map((i) => i.path)).toEqual([path]);
    }
    expect((await alice.api.message.history.query({ roomId, limit: 100 })).messages.length).toBe(
      (await alice.api.message.history.query({ roomId })).messages.length,
    );
  });

  it('sending faster than the rate limit gets RATE_LIMITED with retryAfterMs, and stores nothing', async () => {
    const speedy = await signUp(server.url, 'speedy');
    const room = await speedy.api.room.create.mutate({ kind: 'private', name: 'flood' });
    // 30 at once: the bucket holds 20, and refills 1 per second.
    const attempts = Array.from({ length: 30 }, (_, i) => `flood-${i}`);
    const results = await Promise.all(
      attempts.map((clientMsgId) =>
        speedy.api.message.send.mutate({ roomId: room.id, clientMsgId, body: clientMsgId }).then(
          (sent) => ({ clientMsgId, sent }),
          async (error: unknown) => ({
            clientMsgId,
            refused: await refusal(Promise.reject(error)),
          }),
        ),
      ),
    );
    const accepted = results.flatMap((r) => ('sent' in r ? [r] : []));
    const refused = results.flatMap((r) => ('refused' in r ? [r] : []));
    expect(accepted.length).toBeGreaterThanOrEqual(SEND_RATE.burst);
    expect(refused.length).toBeGreaterThan(0);
    for (const { refused: r } of refused) {
      expect(r.appCode).toBe('RATE_LIMITED');
      expect(r.retryAfterMs).toBeGreaterThan(0);
      expect(r.retryAfterMs).toBeLessThanOrEqual(1000 / SEND_RATE.perSecond);
      expect(r.message).toBe(`Too many messages; try again in ${r.retryAfterMs} ms`);
    }
    // The refused sends took no seq and left no message.
    expect(accepted.map((a) => a.sent.seq).sort((x, y) => x - y)).toEqual(
      accepted.map((_, i) => i + 2),
    );
    const history = await speedy.api.message.history.query({ roomId: room.id, limit: 100 });
    expect(history.messages.map((m) => m.clientMsgId).sort()).toEqual(
      accepted.map((a) => a.clientMsgId).sort(),
    );

    // Retried after the time the server named, the same send goes through, next in the log.
    const [last] = refused.slice(-1);
    if (!last) throw new Error('unreachable');
    await new Promise((resolve) => setTimeout(resolve, last.refused.retryAfterMs));
    const retried = await speedy.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: last.clientMsgId,
      body: last.clientMsgId,
    });
    expect(retried.seq).toBe(accepted.length + 2);
    speedy.close();
  });

  it("sends refused for membership say why, and do not use up the sender's rate limit", async () => {
    const outsider = await signUp(server.url, 'outsider');
    const owner = await signUp(server.url, 'owner');
    const closed = await owner.api.room.create.mutate({ kind: 'private', name: 'closed' });
    const open = await owner.api.room.create.mutate({ kind: 'public', name: 'open' });
    const tries = SEND_RATE.burst + 5;
    const refusals = async (roomId: string) =>
      Promise.all(
        Array.from({ length: tries }, (_, i) =>
          refusal(
            outsider.api.message.send.mutate({
              roomId,
              clientMsgId: `no-${roomId}-${i}`,
              body: 'hi',
            }),
          ),
        ),
      );
    // A private room they are not in looks like no room at all; a public one asks them to join.
    for (const r of await refusals(closed.id)) expect(r.appCode).toBe('ROOM_NOT_FOUND');
    for (const r of await refusals(open.id)) expect(r.appCode).toBe('FORBIDDEN');
    for (const r of await refusals('no-such-room')) expect(r.appCode).toBe('ROOM_NOT_FOUND');
    // Three times the burst refused, yet the whole burst is still theirs.
    await outsider.api.room.join.mutate({ roomId: open.id });
    const sent = await Promise.all(
      Array.from({ length: SEND_RATE.burst }, (_, i) =>
        outsider.api.message.send.mutate({ roomId: open.id, clientMsgId: `yes-${i}`, body: 'hi' }),
      ),
    );
    expect(sent.map((s) => s.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: SEND_RATE.burst }, (_, i) => i + 3),
    );
    // Nothing was stored by the refusals.
    expect((await owner.api.message.history.query({ roomId: closed.id })).messages).toEqual([]);
    outsider.close();
    owner.close();
  });

  it('a WebSocket frame over 64 KiB closes that connection (1009); the server keeps serving others', async () => {
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/trpc`;
    const socket = new WebSocket(wsUrl);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const replies: string[] = [];
    socket.on('message', (data) => replies.push(String(data)));
    /** A tRPC request frame of exactly `bytes` bytes (ASCII, so characters are bytes). */
    const frame = (id: number, bytes: number) => {
      const request = (pad: string) =>
        JSON.stringify({ id, method: 'query', params: { path: 'auth.me', input: { pad } } });
      return request('x'.repeat(bytes - request('').length));
    };

    // Exactly 64 KiB is accepted and answered (with a refusal: no token was given).
    const answered = new Promise<string>((resolve) =>
      socket.once('message', (d) => resolve(String(d))),
    );
    socket.send(frame(1, LIMITS.maxPayloadBytes));
    expect(JSON.parse(await answered)).toMatchObject({
      id: 1,
      error: { data: { appCode: 'UNAUTHENTICATED' } },
    });

    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(frame(2, LIMITS.maxPayloadBytes + 1));
    expect(await closed).toBe(1009);
    expect(replies).toHaveLength(1);

    // Bob's live stream and Alice's sends are unaffected.
    const { lastSeq } = await alice.api.room.byId.query({ roomId });
    const seen = firstMessage(bob.api, { [roomId]: lastSeq });
    const sent = await alice.api.message.send.mutate({
      roomId,
      clientMsgId: 'after-big-frame',
      body: 'still here',
    });
    expect(await seen.message).toMatchObject({
      type: 'message.created',
      seq: sent.seq,
      message: { body: 'still here' },
    });
    seen.stop();
  });

  it('an HTTP body over 64 KiB is refused with 413 and stores nothing', async () => {
    const before = await state();
    const body = JSON.stringify({ roomId, clientMsgId: 'huge', body: 'z'.repeat(70_000) });
    expect(Buffer.byteLength(body)).toBeGreaterThan(LIMITS.maxPayloadBytes);
    const response = await fetch(`${server.url}/trpc/message.send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${alice.token}` },
      body,
    });
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as { error: { data: { code: string } } };
    expect(error.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await state()).toEqual(before);
  });

  it('an HTTP body over 64 KiB carries appCode VALIDATION and says the limit', async () => {
    const response = await fetch(`${server.url}/trpc/message.send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${alice.token}` },
      body: JSON.stringify({ roomId, clientMsgId: 'huge', body: 'z'.repeat(70_000) }),
    });
    const { error } = (await response.json()) as {
      error: { message: string; data: { appCode: string } };
    };
    expect(error.data.appCode).toBe('VALIDATION');
    expect(error.message).toBe('Request body is larger than 65536 bytes');
  });
});
