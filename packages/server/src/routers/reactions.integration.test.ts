import { LIMITS, type StreamEvent } from '@confab/contracts';
import { createTRPCClient, httpSubscriptionLink, type TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { connect, signUp, startServer, type TestServer } from '../__tests__/server.js';
import { refusal } from '../notify/__tests__/fixtures.js';
import type { AppRouter } from './root.js';

type User = Awaited<ReturnType<typeof signUp>>;

/**
 * A device's stream from `cursors`: the log entries and sync points it got (presence and other
 * signals left out), and a wait for the next ones.
 */
function roomStream(api: TRPCClient<AppRouter>, cursors: Record<string, number> = {}) {
  const events: StreamEvent[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let markSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  const subscription = api.events.onEvent.subscribe(
    { cursors, resume: Object.keys(cursors).length > 0 },
    {
      onData: (tracked) => {
        const event = (tracked as { data: StreamEvent }).data;
        if (!isLogOrSync(event)) return;
        events.push(event);
        if (event.type === 'sync') markSynced();
        for (const w of waiters.splice(0)) {
          if (events.length >= w.count) w.resolve();
          else waiters.push(w);
        }
      },
    },
  );
  /** Resolves once the stream has carried `count` events in all. */
  const received = (count: number) =>
    events.length >= count
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ count, resolve }));
  return { events, received, synced, close: () => subscription.unsubscribe() };
}

const TRANSPORTS = ['WebSocket', 'SSE', 'long polling'] as const;

let ids = 0;
const nextId = () => `c${++ids}`;

/** Keeps the log entries and sync points of a stream (presence and other signals left out). */
const isLogOrSync = (event: StreamEvent) => event.type === 'sync' || 'seq' in event;

/**
 * What a device resuming from `cursors` gets over `transport` up to its sync point: the official
 * tRPC client over WebSocket or SSE (httpSubscriptionLink), or polls as the SDK makes them.
 */
async function resumeOver(
  transport: (typeof TRANSPORTS)[number],
  url: string,
  token: string,
  cursors: Record<string, number>,
): Promise<StreamEvent[]> {
  if (transport === 'long polling') {
    const { api, close } = connect(url, token);
    const events: StreamEvent[] = [];
    let pollId: string | undefined;
    // A resume's backlog and sync point come within a few answers; the bound only ends a broken run.
    for (let poll = 0; poll < 20 && !events.some((e) => e.type === 'sync'); poll += 1) {
      const answer = await api.events.poll.query({ cursors, resume: true, pollId, waitMs: 0 });
      pollId = answer.pollId;
      events.push(...answer.events.filter(isLogOrSync));
    }
    close();
    return events;
  }
  const client =
    transport === 'WebSocket'
      ? connect(url, token)
      : {
          api: createTRPCClient<AppRouter>({
            links: [
              httpSubscriptionLink({
                url: `${url}/trpc`,
                EventSource: EventSource as unknown as typeof globalThis.EventSource,
                connectionParams: { token },
              }),
            ],
          }),
          close: () => {},
        };
  const stream = roomStream(client.api, cursors);
  await stream.synced;
  stream.close();
  client.close();
  return stream.events;
}

/** What a member sees of the room: a refused call must leave all of it as it was. */
async function seen(user: User, roomId: string) {
  const [log, history, pins] = await Promise.all([
    user.api.message.eventsAfter.query({ roomId, afterSeq: 0 }),
    user.api.message.history.query({ roomId }),
    user.api.message.pins.query({ roomId }),
  ]);
  return { log, history, pins };
}

describe.each(ENGINES)('reactions and pins over the API, on $name', (engine) => {
  let database: TestDatabase;
  let server: TestServer;
  let alice: User;
  let bob: User;
  let roomId: string;

  beforeAll(async () => {
    database = await engine.create();
    // Room for the limits below (21 reactions by one user at once) without the send bucket
    // refusing first; the send bucket itself is tested on its own server further down.
    server = await startServer(database.url, { sendRate: { perSecond: 10, burst: 100 } });
    [alice, bob] = await Promise.all([signUp(server.url, 'alice'), signUp(server.url, 'bob')]);
    roomId = (await alice.api.room.create.mutate({ kind: 'private', name: 'team' })).id;
    await alice.api.room.invite.mutate({ roomId, username: bob.username });
  });
  afterAll(async () => {
    alice?.close();
    bob?.close();
    await server?.close();
    await database?.drop();
  });

  it("another member's live stream gets reaction.added, then reaction.removed, then the pin; a no-op sends nothing", async () => {
    const stream = roomStream(bob.api);
    await stream.received(1); // the sync point: live from here
    const sent = await alice.api.message.send.mutate({ roomId, clientMsgId: 'm1', body: 'ship' });
    const added = await alice.api.message.react.mutate({
      roomId,
      messageId: sent.id,
      emoji: '🚀',
      on: true,
    });
    expect(added).toEqual({ seq: sent.seq + 1 });
    // Already on: nothing to append, nothing to publish.
    expect(
      await alice.api.message.react.mutate({ roomId, messageId: sent.id, emoji: '🚀', on: true }),
    ).toEqual({ seq: null });
    expect((await bob.api.message.history.query({ roomId })).messages.at(-1)).toMatchObject({
      id: sent.id,
      reactions: [{ emoji: '🚀', userIds: [alice.user.id] }],
    });
    const removed = await alice.api.message.react.mutate({
      roomId,
      messageId: sent.id,
      emoji: '🚀',
      on: false,
    });
    expect(removed).toEqual({ seq: sent.seq + 2 });
    const pinned = await bob.api.message.pin.mutate({ roomId, messageId: sent.id, pinned: true });
    expect(pinned).toEqual({ seq: sent.seq + 3 });
    await stream.received(5);
    stream.close();

    const at = expect.any(Number);
    const about = { roomId, messageId: sent.id, at };
    expect(stream.events.slice(1)).toEqual([
      expect.objectContaining({ type: 'message.created', seq: sent.seq }),
      { type: 'reaction.added', seq: sent.seq + 1, actorId: alice.user.id, emoji: '🚀', ...about },
      {
        type: 'reaction.removed',
        seq: sent.seq + 2,
        actorId: alice.user.id,
        emoji: '🚀',
        ...about,
      },
      { type: 'message.pinned', seq: sent.seq + 3, actorId: bob.user.id, ...about },
    ]);
    const pins = await alice.api.message.pins.query({ roomId });
    expect(pins.map((m) => [m.id, m.pinned?.by, m.reactions])).toEqual([
      [sent.id, bob.user.id, undefined],
    ]);
  });

  it.each(TRANSPORTS)(
    'a device away during a reaction, a thread reply and a pin gets each once on resume, over %s',
    async (transport) => {
      const root = await bob.api.message.send.mutate({ roomId, clientMsgId: nextId(), body: 'r' });
      // Alice's phone saw everything up to here, then went offline.
      const cursor = (await alice.api.room.byId.query({ roomId })).lastSeq;
      await bob.api.message.react.mutate({ roomId, messageId: root.id, emoji: '👍', on: true });
      const reply = await alice.api.message.send.mutate({
        roomId,
        clientMsgId: nextId(),
        body: 'in thread',
        threadId: root.id,
      });
      await bob.api.message.pin.mutate({ roomId, messageId: root.id, pinned: true });
      const resumed = await resumeOver(transport, server.url, alice.token, { [roomId]: cursor });
      const about = { roomId, messageId: root.id, at: expect.any(Number) };
      expect(resumed).toEqual([
        { type: 'reaction.added', seq: cursor + 1, actorId: bob.user.id, emoji: '👍', ...about },
        expect.objectContaining({
          type: 'message.created',
          seq: cursor + 2,
          message: expect.objectContaining({ id: reply.id, threadId: root.id }),
        }),
        { type: 'message.pinned', seq: cursor + 3, actorId: bob.user.id, ...about },
        expect.objectContaining({ type: 'sync' }),
      ]);
    },
  );

  it('refuses with a clear code, and a refused call changes nothing', async () => {
    const [carol, outsider] = await Promise.all([
      signUp(server.url, 'carol'),
      signUp(server.url, 'outsider'),
    ]);
    await alice.api.room.invite.mutate({ roomId, username: carol.username });
    const target = await alice.api.message.send.mutate({ roomId, clientMsgId: 'm3', body: 'x' });
    const doomed = await alice.api.message.send.mutate({ roomId, clientMsgId: 'm4', body: 'y' });
    await alice.api.message.react.mutate({ roomId, messageId: doomed.id, emoji: '👍', on: true });
    await alice.api.message.delete.mutate({ roomId, messageId: doomed.id });
    const otherRoom = (await bob.api.room.create.mutate({ kind: 'private', name: 'other' })).id;
    const elsewhere = await bob.api.message.send.mutate({
      roomId: otherRoom,
      clientMsgId: 'm5',
      body: 'z',
    });
    // carol fills her reactions to the target, then is removed from the room.
    const emoji = Array.from({ length: LIMITS.reactionsPerUserPerMessageMax + 1 }, (_, i) =>
      String.fromCodePoint(0x1f600 + i),
    );
    for (const e of emoji.slice(0, -1)) {
      await carol.api.message.react.mutate({ roomId, messageId: target.id, emoji: e, on: true });
    }
    const react = (who: User, input: { messageId: string; emoji?: string; roomId?: string }) =>
      who.api.message.react.mutate({ roomId, emoji: '🎉', on: true, ...input });
    expect(await refusal(react(carol, { messageId: target.id, emoji: emoji.at(-1) }))).toEqual({
      appCode: 'CONFLICT',
      message: `You can react to a message with at most ${LIMITS.reactionsPerUserPerMessageMax} emoji`,
    });
    await alice.api.room.removeMember.mutate({ roomId, userId: carol.user.id });
    const before = await seen(alice, roomId);

    const notFound = { appCode: 'ROOM_NOT_FOUND', message: 'Room not found' };
    expect(await refusal(react(carol, { messageId: target.id }))).toEqual(notFound);
    expect(await refusal(react(outsider, { messageId: target.id }))).toEqual(notFound);
    expect(
      await refusal(carol.api.message.pin.mutate({ roomId, messageId: target.id, pinned: true })),
    ).toEqual(notFound);
    expect(await refusal(outsider.api.message.pins.query({ roomId }))).toEqual(notFound);
    const noMessage = { appCode: 'MESSAGE_NOT_FOUND', message: 'Message not found' };
    expect(await refusal(react(bob, { messageId: 'no-such-message' }))).toEqual(noMessage);
    expect(await refusal(react(bob, { messageId: elsewhere.id }))).toEqual(noMessage);
    expect(
      await refusal(bob.api.message.pin.mutate({ roomId, messageId: elsewhere.id, pinned: true })),
    ).toEqual(noMessage);
    const deleted = { appCode: 'CONFLICT', message: 'The message was deleted' };
    expect(await refusal(react(bob, { messageId: doomed.id }))).toEqual(deleted);
    expect(
      await refusal(bob.api.message.pin.mutate({ roomId, messageId: doomed.id, pinned: true })),
    ).toEqual(deleted);
    expect(await refusal(react(bob, { messageId: target.id, emoji: 'ok' }))).toEqual({
      appCode: 'VALIDATION',
      message: 'emoji: Reaction must be a single emoji',
    });
    expect(await refusal(react(bob, { messageId: target.id, emoji: '👍👍' }))).toEqual({
      appCode: 'VALIDATION',
      message: 'emoji: Reaction must be a single emoji',
    });

    expect(await seen(alice, roomId)).toEqual(before);
    // The removed member's reactions stay: they were made while she was in the room.
    const targetNow = before.history.messages.find((m) => m.id === target.id);
    expect(targetNow?.reactions?.map((r) => r.userIds)).toEqual(
      emoji.slice(0, -1).map(() => [carol.user.id]),
    );
    expect(before.history.messages.find((m) => m.id === doomed.id)?.reactions).toBeUndefined();
    carol.close();
    outsider.close();
  });
});

describe('reactions and pins draw on the send limit', () => {
  let database: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    database = sqliteDatabase();
    // Three writes, then (practically) no refill while the test runs.
    server = await startServer(database.url, { sendRate: { perSecond: 0.001, burst: 3 } });
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('a fourth write is RATE_LIMITED, whichever it is, and changes nothing', async () => {
    const alice = await signUp(server.url, 'alice');
    const roomId = (await alice.api.room.create.mutate({ kind: 'private', name: 'r' })).id;
    const sent = await alice.api.message.send.mutate({ roomId, clientMsgId: 'm', body: 'hi' });
    await alice.api.message.react.mutate({ roomId, messageId: sent.id, emoji: '👍', on: true });
    // A no-op still counts (it costs the store a transaction).
    await alice.api.message.react.mutate({ roomId, messageId: sent.id, emoji: '👍', on: true });
    const before = await seen(alice, roomId);
    const limited = [
      alice.api.message.react.mutate({ roomId, messageId: sent.id, emoji: '🎉', on: true }),
      alice.api.message.pin.mutate({ roomId, messageId: sent.id, pinned: true }),
      alice.api.message.send.mutate({ roomId, clientMsgId: 'm2', body: 'again' }),
    ];
    for (const call of limited) {
      const refused = await refusal(call);
      expect(refused.appCode).toBe('RATE_LIMITED');
      expect(refused.message).toMatch(/^Too many messages; try again in \d+ ms$/);
    }
    expect(await seen(alice, roomId)).toEqual(before);
    alice.close();
  });
});
