import type { StreamEvent } from '@confab/contracts';
import {
  createTRPCClient,
  createWSClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  wsLink,
} from '@trpc/client';
import { EventSource } from 'eventsource';
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

describe('the unmodified tRPC httpSubscriptionLink, on the SSE fast path', () => {
  it('streams typed events, resumes from the last event id, and reports typed errors', async () => {
    const db = sqliteDatabase();
    const server = await startServer(db.url);
    const client = (token?: string) =>
      createTRPCClient<AppRouter>({
        links: [
          splitLink({
            condition: (op) => op.type === 'subscription',
            true: httpSubscriptionLink({
              url: `${server.url}/trpc`,
              EventSource: EventSource as unknown as typeof globalThis.EventSource,
              connectionParams: token ? { token } : null,
            }),
            false: httpLink({
              url: `${server.url}/trpc`,
              headers: () => (token ? { Authorization: `Bearer ${token}` } : {}),
            }),
          }),
        ],
      });
    try {
      const { token } = await signUp(server.url, 'sse_only');
      const api = client(token);
      const room = await api.room.create.mutate({ kind: 'private', name: 'over sse' });
      const first = await api.message.send.mutate({
        roomId: room.id,
        clientMsgId: 's1',
        body: 'one',
      });
      const ids: (string | undefined)[] = [];
      const seen = collect(
        (h) =>
          api.events.onEvent.subscribe(
            { cursors: { [room.id]: 1 }, resume: true },
            {
              onData: (e) => {
                ids.push(e.id);
                h.onData(e.data);
              },
              onError: h.onError,
            },
          ),
        2,
      );
      await seen.synced;
      // The stream is Confab's own (not tRPC's per-subscriber pipeline).
      expect(server.server.stats().sseStreams).toBe(1);
      const second = await api.message.send.mutate({
        roomId: room.id,
        clientMsgId: 's2',
        body: 'two',
      });
      const events = await seen.done;
      expect(events).toMatchObject([
        { type: 'message.created', seq: first.seq, message: { body: 'one' } },
        { type: 'message.created', seq: second.seq, message: { body: 'two' } },
      ]);
      // Room events are `roomId:seq~position`; the others (`-sync~position`...) have no colon.
      // (Not "starts with -": a random room id may start with one.)
      expect(ids.filter((id) => id?.includes(':')).map((id) => id?.split('~')[0])).toEqual([
        `${room.id}:${first.seq}`,
        `${room.id}:${second.seq}`,
      ]);
      seen.stop();

      // A reconnecting EventSource names the last id it saw: the stream resumes after it.
      const resumed = await new Promise<string>((resolve, reject) => {
        const url = new URL(`${server.url}/trpc/events.onEvent`);
        url.searchParams.set('input', JSON.stringify({ cursors: {}, resume: true }));
        url.searchParams.set('connectionParams', JSON.stringify({ token }));
        const source = new EventSource(url, {
          fetch: (input, init) =>
            fetch(input, {
              ...init,
              headers: { ...init?.headers, 'Last-Event-ID': `${room.id}:${first.seq}` },
            }),
        });
        source.onmessage = (message) => {
          const event = JSON.parse(message.data) as StreamEvent;
          if (event.type === 'message.created') {
            source.close();
            resolve(message.data);
          }
        };
        source.onerror = () => reject(new Error('stream failed'));
      });
      expect(JSON.parse(resumed)).toMatchObject({ seq: second.seq, message: { body: 'two' } });

      // Errors arrive as tRPC errors with Confab's appCode, on the stream.
      const failure = (api: ReturnType<typeof client>, input: unknown) =>
        new Promise<unknown>((resolve) => {
          const subscription = api.events.onEvent.subscribe(
            input as { cursors: Record<string, number>; resume: boolean },
            {
              onData: () => {},
              onError: (error) => {
                subscription.unsubscribe();
                resolve(error);
              },
            },
          );
        });
      const unauthorized = await failure(client('not-a-token'), { cursors: {}, resume: true });
      expect(unauthorized).toBeInstanceOf(TRPCClientError);
      expect(unauthorized).toMatchObject({ data: { code: 'UNAUTHORIZED' } });
      const invalid = await failure(api, { cursors: { [room.id]: -5 }, resume: 'yes' });
      expect(invalid).toMatchObject({ data: { appCode: 'VALIDATION' } });
    } finally {
      await server.close();
      await db.drop();
    }
  });
});
