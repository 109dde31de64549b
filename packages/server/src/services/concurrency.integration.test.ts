import { setTimeout as delay } from 'node:timers/promises';
import { LIMITS, type RoomEvent, type SendInput, type SendResult } from '@confab/contracts';
import { type TRPCClient, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import type { AppRouter } from '../routers/root.js';

const CLIENTS = 20;
const MESSAGES_PER_CLIENT = 50;
const RETRIES_OF_ONE_SEND = 8;

/**
 * Sends as a well-behaved client does: when refused with RATE_LIMITED it waits the
 * `retryAfterMs` the server named and sends the same message again (same clientMsgId).
 */
async function sendPolitely(api: TRPCClient<AppRouter>, input: SendInput): Promise<SendResult> {
  for (;;) {
    try {
      return await api.message.send.mutate(input);
    } catch (error) {
      const data =
        error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data : undefined;
      if (data?.appCode !== 'RATE_LIMITED' || !data.retryAfterMs) throw error;
      await delay(data.retryAfterMs);
    }
  }
}

// The real server over HTTP, with the official client: 20 users, each at the rate the server
// allows one user (a burst of 20, then 10 per second), so every send is eventually accepted and
// the contention on the room's seq is real.
describe.each(ENGINES)('concurrent sends into one room on $name', ({ create }) => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = await create();
    server = await startServer(db.url);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it(`${CLIENTS} clients x ${MESSAGES_PER_CLIENT} messages: one log, seqs 1..N, nothing lost, doubled or reordered`, async () => {
    const users = await Promise.all(
      Array.from({ length: CLIENTS + 1 }, (_, i) => signUp(server.url, `c${i}`)),
    );
    const [owner, ...rest] = users;
    const retrier = rest.pop();
    if (!owner || !retrier) throw new Error('unreachable');
    const roomId = (await owner.api.room.create.mutate({ kind: 'public', name: 'stampede' })).id;
    await Promise.all([...rest, retrier].map((u) => u.api.room.join.mutate({ roomId })));
    const senders = [owner, ...rest];
    expect(senders).toHaveLength(CLIENTS);

    // Everyone at once; meanwhile one client retries one send several times concurrently, as
    // after lost responses.
    const [acks, retries] = await Promise.all([
      Promise.all(
        senders.map(async (user, u) => {
          const sent: { body: string; ack: SendResult }[] = [];
          for (let i = 0; i < MESSAGES_PER_CLIENT; i++) {
            const body = `${u}:${i}`;
            sent.push({
              body,
              ack: await sendPolitely(user.api, { roomId, clientMsgId: `m-${i}`, body }),
            });
          }
          return sent;
        }),
      ),
      Promise.all(
        Array.from({ length: RETRIES_OF_ONE_SEND }, () =>
          retrier.api.message.send.mutate({ roomId, clientMsgId: 'lost-response', body: 'once' }),
        ),
      ),
    ]);

    // Every retry answered with the one message.
    const [firstRetry] = retries;
    expect(new Set(retries.map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify(firstRetry)]),
    );

    // The whole log, page by page.
    const log: RoomEvent[] = [];
    for (let hasMore = true; hasMore; ) {
      const page = await owner.api.message.eventsAfter.query({
        roomId,
        afterSeq: log.length,
        limit: LIMITS.eventsAfterMax,
      });
      log.push(...page.events);
      hasMore = page.hasMore;
    }
    const joins = CLIENTS + 1;
    const total = joins + CLIENTS * MESSAGES_PER_CLIENT + 1;
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(log.filter((e) => e.type === 'member.joined')).toHaveLength(joins);
    const created = log.flatMap((e) => (e.type === 'message.created' ? [e.message] : []));
    expect(created).toHaveLength(CLIENTS * MESSAGES_PER_CLIENT + 1);
    expect(created.filter((m) => m.clientMsgId === 'lost-response')).toEqual([
      expect.objectContaining({ id: firstRetry?.id, seq: firstRetry?.seq, body: 'once' }),
    ]);
    expect((await owner.api.room.byId.query({ roomId })).lastSeq).toBe(total);

    // Each acknowledgement names the log entry that holds the message, and each client's
    // messages are in the log in the order it sent them.
    const bySeq = new Map(created.map((m) => [m.seq, m]));
    senders.forEach((user, u) => {
      const sent = acks[u] ?? [];
      for (const { body, ack } of sent) {
        expect(bySeq.get(ack.seq)).toMatchObject({ id: ack.id, body, authorId: user.user.id });
      }
      const ofUser = created.filter((m) => m.authorId === user.user.id).map((m) => m.body);
      expect(ofUser).toEqual(sent.map((s) => s.body));
    });

    // History, paged backwards, agrees with the log.
    const history: typeof created = [];
    let beforeSeq: number | undefined;
    for (let hasMore = true; hasMore; ) {
      const page = await owner.api.message.history.query({ roomId, beforeSeq, limit: 100 });
      history.unshift(...page.messages);
      beforeSeq = page.messages[0]?.seq;
      hasMore = page.hasMore;
    }
    expect(history).toEqual(created);

    for (const u of users) u.close();
  }, 120_000); // fixed work; the bound only allows for a machine shared with other jobs

  it("a clientMsgId reused in another room is refused, not acknowledged with the first room's message", async () => {
    const author = await signUp(server.url, 'reuse');
    const first = (await author.api.room.create.mutate({ kind: 'private', name: 'one' })).id;
    const second = (await author.api.room.create.mutate({ kind: 'private', name: 'two' })).id;
    const sent = await author.api.message.send.mutate({
      roomId: first,
      clientMsgId: 'k1',
      body: 'a',
    });
    const error = await author.api.message.send
      .mutate({ roomId: second, clientMsgId: 'k1', body: 'b' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.appCode).toBe('CONFLICT');
    expect((error as TRPCClientError<AppRouter>).message).toBe(
      'clientMsgId k1 was already used for a message in another room',
    );
    expect((await author.api.message.history.query({ roomId: second })).messages).toEqual([]);
    // In its own room the retry is still answered with the first message.
    expect(
      await author.api.message.send.mutate({ roomId: first, clientMsgId: 'k1', body: 'a' }),
    ).toEqual(sent);
    author.close();
  });

  it('one clientMsgId sent 10 times at once through the store posts once and takes one seq', async () => {
    const { store } = server.server.services;
    const author = await signUp(server.url, 'dup');
    const roomId = (await author.api.room.create.mutate({ kind: 'private', name: 'dup' })).id;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.appendMessage({
          id: `dup-${i}-${roomId}`,
          roomId,
          authorId: author.user.id,
          clientMsgId: 'same',
          body: `attempt ${i}`,
          at: Date.now(),
        }),
      ),
    );
    const created = results.flatMap((r) => (r.status === 'created' ? [r.message] : []));
    expect(created).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toEqual(
      Array.from({ length: 9 }, () => ({ status: 'duplicate', message: created[0] })),
    );
    expect(created[0]?.seq).toBe(2);
    expect((await store.roomById(roomId))?.lastSeq).toBe(2);
    expect((await store.history(roomId, { limit: 100 })).messages).toEqual(created);
    author.close();
  });
});
