import type { SendResult } from '@confab/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  device,
  register,
  setUp,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient } from './client.js';
import { errorCodeOf, ValidationError } from './errors.js';
import { Outbox, type OutboxEntry } from './outbox.js';

/** How a send settled: the body it stored, or the refusal's code and message. */
function settled(p: Promise<SendResult>) {
  return p.then(
    (r) => ({ seq: r.seq }),
    (e: unknown) => ({ code: errorCodeOf(e), message: e instanceof Error ? e.message : '' }),
  );
}

// Regression: a message the server refused with INTERNAL (a NUL body on PostgreSQL) was retried
// forever at the head of the outbox, and nothing queued after it was ever sent from that device.
describe('a queued message the server refuses', () => {
  let db: TestDatabaseFile;
  let server: TestServer;
  const clients: ChatClient[] = [];
  const open = (token: string) => {
    const client = device(server.url, token, { autoConnect: false });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    ({ db, server } = await setUp());
  });
  afterEach(() => tearDown({ clients, server, db }));

  it('fails, and the messages queued after it are still delivered, in order', async () => {
    const owner = await register(server.url, 'owner');
    const guest = await register(server.url, 'guest');
    const admin = open(owner.token);
    const phone = open(guest.token);
    const left = await admin.api.room.create.mutate({ kind: 'public', name: 'left behind' });
    const other = await admin.api.room.create.mutate({ kind: 'public', name: 'still here' });
    await phone.api.room.join.mutate({ roomId: left.id });
    await phone.api.room.join.mutate({ roomId: other.id });
    await admin.api.room.removeMember.mutate({ roomId: left.id, userId: guest.userId });
    const states: OutboxEntry[][] = [];
    phone.on('outbox', (entries) => states.push(entries));

    // Queued together: the first is in flight while the other two wait behind it.
    const results = [
      settled(phone.send({ roomId: left.id, body: 'to a room I was removed from' })),
      settled(phone.send({ roomId: other.id, body: 'first after it' })),
      settled(phone.send({ roomId: other.id, body: 'second after it' })),
    ];

    expect(await Promise.all(results)).toEqual([
      { code: 'FORBIDDEN', message: 'Join the room first' },
      { seq: 3 },
      { seq: 4 },
    ]);
    const history = await admin.api.message.history.query({ roomId: other.id });
    expect(history.messages.map((m) => m.body)).toEqual(['first after it', 'second after it']);
    expect((await admin.api.message.history.query({ roomId: left.id })).messages).toEqual([]);
    expect(phone.outbox().map((e) => [e.body, e.status, e.error])).toEqual([
      [
        'to a room I was removed from',
        'failed',
        { code: 'FORBIDDEN', message: 'Join the room first' },
      ],
    ]);
    expect(states.at(-1)).toEqual(phone.outbox());
  });

  it('with a NUL body sent past the SDK: VALIDATION fails it and the next ones are sent', async () => {
    const user = await register(server.url, 'user');
    const client = open(user.token);
    const room = await client.api.room.create.mutate({ kind: 'private', name: 'notes' });
    // The outbox alone, over the real API: as a client without the SDK's own check would send.
    const outbox = new Outbox((input) => client.api.message.send.mutate(input), {
      retryDelayMs: () => 10,
      serverErrorAttempts: 3,
      changed: () => {},
    });
    const enqueue = (clientMsgId: string, body: string) =>
      settled(outbox.enqueue({ roomId: room.id, clientMsgId, body }));

    const results = [enqueue('bad', 'nul \u0000 here'), enqueue('a', 'one'), enqueue('b', 'two')];

    expect(await Promise.all(results)).toEqual([
      { code: 'VALIDATION', message: 'body: Message must not contain NUL characters' },
      { seq: 2 },
      { seq: 3 },
    ]);
    const history = await client.api.message.history.query({ roomId: room.id });
    expect(history.messages.map((m) => [m.clientMsgId, m.body])).toEqual([
      ['a', 'one'],
      ['b', 'two'],
    ]);
    expect(outbox.list().map((e) => [e.clientMsgId, e.status, e.error?.code])).toEqual([
      ['bad', 'failed', 'VALIDATION'],
    ]);
    outbox.close();
  });
});

describe('the SDK', () => {
  let db: TestDatabaseFile;
  let server: TestServer;
  const clients: ChatClient[] = [];

  beforeEach(async () => {
    ({ db, server } = await setUp());
  });
  afterEach(() => tearDown({ clients, server, db }));

  it('refuses a body with a NUL or a lone surrogate itself, and never queues it', async () => {
    const user = await register(server.url, 'user');
    const client = device(server.url, user.token, { autoConnect: false });
    clients.push(client);
    const room = await client.api.room.create.mutate({ kind: 'private', name: 'notes' });
    const states: OutboxEntry[][] = [];
    client.on('outbox', (entries) => states.push(entries));

    const nul = await client.send({ roomId: room.id, body: 'a\u0000b' }).catch((e: unknown) => e);
    expect(nul).toBeInstanceOf(ValidationError);
    expect(errorCodeOf(nul)).toBe('VALIDATION');
    expect((nul as ValidationError).message).toBe('body: Message must not contain NUL characters');
    expect((nul as ValidationError).data.issues).toEqual([
      { path: 'body', message: 'Message must not contain NUL characters' },
    ]);
    const lone = await client.send({ roomId: room.id, body: 'half \uD83D' }).catch((e) => e);
    expect(errorCodeOf(lone)).toBe('VALIDATION');
    expect(states).toEqual([]);
    expect(client.outbox()).toEqual([]);

    await client.send({ roomId: room.id, body: 'fine 😀' });
    const history = await client.api.message.history.query({ roomId: room.id });
    expect(history.messages.map((m) => m.body)).toEqual(['fine 😀']);
  });
});
