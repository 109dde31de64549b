import type { AppRouter } from '@confab/server';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { record } from './__tests__/recorder.js';
import {
  device,
  register,
  setUp,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient } from './client.js';
import { errorCodeOf } from './errors.js';

const API_KEY = 'test-api-key-0123456789abcdef';

/** Another app's server, calling Confab's push API with its key. */
const app = (url: string, key: string) =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, headers: { 'X-Api-Key': key } })],
  });

describe('the server push API', () => {
  let db: TestDatabaseFile;
  let server: TestServer;
  const clients: ChatClient[] = [];

  beforeEach(async () => {
    ({ db, server } = await setUp({ apiKeys: [API_KEY] }));
  });
  afterEach(() => tearDown({ clients, server, db }));

  it('posts into a room, pushes to one user and broadcasts to everyone connected', async () => {
    const alice = await register(server.url, 'alice');
    const bob = await register(server.url, 'bob');
    const aliceDevice = device(server.url, alice.token, { transport: 'ws' });
    const bobDevice = device(server.url, bob.token, { transport: 'sse' });
    clients.push(aliceDevice, bobDevice);
    const [aliceSeen, bobSeen] = [record(aliceDevice), record(bobDevice)];
    await Promise.all([aliceSeen.connected(), bobSeen.connected()]);
    const room = await aliceDevice.api.room.create.mutate({ kind: 'private', name: 'alerts' });
    const partner = app(server.url, API_KEY);

    const posted = await partner.push.message.mutate({
      roomId: room.id,
      asUsername: alice.username,
      clientMsgId: 'build-42',
      body: 'Build 42 passed',
    });
    const again = await partner.push.message.mutate({
      roomId: room.id,
      asUsername: alice.username,
      clientMsgId: 'build-42',
      body: 'Build 42 passed',
    });
    expect(again).toEqual(posted);
    await partner.push.toUser.mutate({ username: bob.username, data: { kind: 'invoice', id: 7 } });
    await partner.push.broadcast.mutate({ body: 'Maintenance at 22:00' });

    await aliceSeen.until(
      () => aliceSeen.events.some((e) => e.type === 'announcement'),
      'the announcement for alice',
    );
    const signals = (seen: typeof bobSeen) =>
      seen.events.filter((e) => e.type === 'push' || e.type === 'announcement');
    await bobSeen.until(() => signals(bobSeen).length === 2, 'push and announcement for bob');
    expect(aliceSeen.bodies(room.id)).toEqual(['Build 42 passed']);
    expect(aliceSeen.events.some((e) => e.type === 'push')).toBe(false);
    expect(signals(bobSeen).map((e) => e.type)).toEqual(['push', 'announcement']);
    expect(signals(bobSeen)[0]).toMatchObject({ type: 'push', data: { kind: 'invoice', id: 7 } });
    expect(signals(bobSeen)[1]).toMatchObject({
      type: 'announcement',
      body: 'Maintenance at 22:00',
    });
  });

  it('refuses a missing or wrong key, and a poster who is not a member', async () => {
    const alice = await register(server.url, 'alice');
    const bob = await register(server.url, 'bob');
    const aliceDevice = device(server.url, alice.token, { autoConnect: false });
    clients.push(aliceDevice);
    const room = await aliceDevice.api.room.create.mutate({ kind: 'private', name: 'secret' });
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => (e instanceof TRPCClientError ? errorCodeOf(e) : e),
      );

    expect(
      await refusal(
        app(server.url, 'wrong-key-wrong-key-wrong').push.broadcast.mutate({ body: 'x' }),
      ),
    ).toBe('INVALID_API_KEY');
    expect(
      await refusal(app(server.url, '').push.toUser.mutate({ username: bob.username, data: 1 })),
    ).toBe('INVALID_API_KEY');
    expect(
      await refusal(
        app(server.url, API_KEY).push.message.mutate({
          roomId: room.id,
          asUsername: bob.username,
          clientMsgId: 'c1',
          body: 'hi',
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await refusal(
        app(server.url, API_KEY).push.toUser.mutate({
          username: bob.username,
          data: { blob: 'x'.repeat(20_000) },
        }),
      ),
    ).toBe('VALIDATION');
    expect((await aliceDevice.api.message.history.query({ roomId: room.id })).messages).toEqual([]);
  });
});
