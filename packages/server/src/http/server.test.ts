import type { StreamEvent } from '@confab/contracts';
import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import type { AppRouter } from '../routers/root.js';

/** Collects a subscription's events until `count` have arrived. */
function collect(
  subscribe: (handlers: { onData: (e: StreamEvent) => void; onError: (e: unknown) => void }) => {
    unsubscribe(): void;
  },
  count: number,
) {
  const events: StreamEvent[] = [];
  let subscription: { unsubscribe(): void } | undefined;
  let markSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  const done = new Promise<StreamEvent[]>((resolve, reject) => {
    subscription = subscribe({
      onData: (event) => {
        if (event.type === 'sync') return markSynced();
        // Only room log entries count here (not presence and other signals).
        if (!('seq' in event)) return;
        events.push(event);
        if (events.length === count) resolve(events);
      },
      onError: reject,
    });
  });
  return { done, synced, stop: () => subscription?.unsubscribe(), events };
}

describe('server over HTTP and WebSocket', () => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url);
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  it('delivers a sent message to every subscribed member over WebSocket', async () => {
    const alice = await signUp(server.url, 'alice');
    const bob = await signUp(server.url, 'bob');
    const room = await alice.api.room.create.mutate({ kind: 'public', name: 'general' });
    await bob.api.room.join.mutate({ roomId: room.id });

    // Both resume from seq 2 (the two joins): whether the send lands before or after a stream
    // goes live, backfill or the live path delivers it, once.
    const cursors = { [room.id]: 2 };
    const seenByBob = collect(
      (h) =>
        bob.api.events.onEvent.subscribe(
          { cursors },
          { onData: (e) => h.onData(e.data), onError: h.onError },
        ),
      1,
    );
    const seenByAlice = collect(
      (h) =>
        alice.api.events.onEvent.subscribe(
          { cursors },
          { onData: (e) => h.onData(e.data), onError: h.onError },
        ),
      1,
    );
    const sent = await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'm1',
      body: 'hello bob',
    });

    const [bobEvent] = await seenByBob.done;
    const [aliceEvent] = await seenByAlice.done;
    for (const event of [bobEvent, aliceEvent]) {
      expect(event).toMatchObject({ type: 'message.created', roomId: room.id, seq: sent.seq });
      if (event?.type !== 'message.created') throw new Error('expected a message');
      expect(event.message.body).toBe('hello bob');
      expect(event.message.id).toBe(sent.id);
    }
    seenByBob.stop();
    seenByAlice.stop();
    alice.close();
    bob.close();
  });

  it('refuses an empty message with a typed validation error and stores nothing', async () => {
    const alice = await signUp(server.url, 'alice');
    const room = await alice.api.room.create.mutate({ kind: 'private', name: 'notes' });
    const error = await alice.api.message.send
      .mutate({ roomId: room.id, clientMsgId: 'e1', body: '   ' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const clientError = error as TRPCClientError<never>;
    expect(clientError.message).toBe('body: Message is empty');
    expect(clientError.data).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'VALIDATION',
      issues: [{ path: 'body', message: 'Message is empty' }],
    });
    const history = await alice.api.message.history.query({ roomId: room.id });
    expect(history.messages).toEqual([]);
    alice.close();
  });
});

describe('WebSocket fan-out', () => {
  it('serializes an event once for all the connections it reaches', async () => {
    const db = sqliteDatabase();
    const server = await startServer(db.url);
    try {
      const alice = await signUp(server.url, 'alice');
      const room = await alice.api.room.create.mutate({ kind: 'private', name: 'fan-out' });
      const devices = await Promise.all([1, 2, 3].map(() => signUp(server.url, 'member')));
      for (const d of devices)
        await alice.api.room.invite.mutate({ roomId: room.id, username: d.username });
      const cursors = { [room.id]: 4 };
      const streams = devices.map((d) =>
        collect(
          (h) =>
            d.api.events.onEvent.subscribe(
              { cursors, resume: true },
              { onData: (e) => h.onData(e.data), onError: h.onError },
            ),
          1,
        ),
      );
      // Every stream is past its backfill and sync point before the send.
      await Promise.all(streams.map((st) => st.synced));
      const stringify = vi.spyOn(JSON, 'stringify');
      await alice.api.message.send.mutate({
        roomId: room.id,
        clientMsgId: 'fan',
        body: 'to all three',
      });
      await Promise.all(streams.map((s) => s.done));
      const ofTheEvent = stringify.mock.calls.filter(
        ([value]) => (value as { type?: string; seq?: number } | null)?.type === 'message.created',
      );
      stringify.mockRestore();
      // Once for the room's log in the store, once for the three WebSocket frames.
      expect(ofTheEvent).toHaveLength(2);
      for (const s of streams) s.stop();
      for (const d of [alice, ...devices]) d.close();
    } finally {
      await server.close();
      await db.drop();
    }
  });
});

describe('the unmodified tRPC wsLink, for every operation', () => {
  it('runs queries, mutations and subscriptions over one WebSocket, with typed errors', async () => {
    const db = sqliteDatabase();
    const server = await startServer(db.url);
    const socket = (token?: string) =>
      createWSClient({
        url: `${server.url.replace('http', 'ws')}/trpc`,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        connectionParams: token ? { token } : null,
      });
    try {
      const anonymousSocket = socket();
      const anonymous = createTRPCClient<AppRouter>({
        links: [wsLink({ client: anonymousSocket })],
      });
      const { token, user } = await anonymous.auth.register.mutate({
        username: 'ws_only',
        displayName: 'WS',
        password: 'correct horse battery',
      });
      await anonymousSocket.close();

      const ws = socket(token);
      const api = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
      expect((await api.auth.me.query()).user).toEqual(user);
      const room = await api.room.create.mutate({ kind: 'private', name: 'over ws' });
      const seen = collect(
        (h) =>
          api.events.onEvent.subscribe(
            { cursors: { [room.id]: 1 }, resume: true },
            { onData: (e) => h.onData(e.data), onError: h.onError },
          ),
        1,
      );
      const sent = await api.message.send.mutate({
        roomId: room.id,
        clientMsgId: 'w1',
        body: 'over one socket',
      });
      const [event] = await seen.done;
      expect(event).toMatchObject({
        type: 'message.created',
        seq: sent.seq,
        message: { body: 'over one socket' },
      });
      const refused = await api.message.send
        .mutate({ roomId: room.id, clientMsgId: 'w2', body: '' })
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({
        message: 'body: Message is empty',
        data: { appCode: 'VALIDATION' },
      });
      seen.stop();
      await ws.close();
    } finally {
      await server.close();
      await db.drop();
    }
  });
});
