import type { StreamEvent } from '@confab/contracts';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';

/** Collects a subscription's events until `count` have arrived. */
function collect(
  subscribe: (handlers: { onData: (e: StreamEvent) => void; onError: (e: unknown) => void }) => {
    unsubscribe(): void;
  },
  count: number,
) {
  const events: StreamEvent[] = [];
  let subscription: { unsubscribe(): void } | undefined;
  const done = new Promise<StreamEvent[]>((resolve, reject) => {
    subscription = subscribe({
      onData: (event) => {
        if (event.type === 'sync') return;
        events.push(event);
        if (events.length === count) resolve(events);
      },
      onError: reject,
    });
  });
  return { done, stop: () => subscription?.unsubscribe(), events };
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
