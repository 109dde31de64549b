import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { record } from './__tests__/recorder.js';
import {
  device,
  nodeGlobals,
  setUp,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import { register, signIn } from './auth.js';
import { type ChatClient, createChatClient } from './client.js';
import { errorCodeOf } from './errors.js';
import { createPushClient } from './push.js';

const API_KEY = 'token-test-key-0123456789abcdef';

/** Waits until the clock passes `at` (a token's expiry): bounded, 100 ms steps. */
async function pastExpiry(at: number): Promise<void> {
  for (let i = 0; i < 100 && Date.now() <= at; i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  expect(Date.now()).toBeGreaterThan(at);
}

describe('the token provider', { timeout: 60_000 }, () => {
  let db: TestDatabaseFile;
  let server: TestServer;
  const clients: ChatClient[] = [];

  beforeEach(async () => {
    ({ db, server } = await setUp({ apiKeys: [API_KEY] }));
  });
  afterEach(() => tearDown({ clients, server, db }));

  it.each(['ws', 'sse', 'poll'] as const)(
    'renews an expired app token over %s without a visible disconnect',
    async (transport) => {
      const app = createPushClient({ url: server.url, apiKey: API_KEY });
      const minted: number[] = [];
      // The app's backend: one-second tokens for its user, asked for again when they expire.
      const provider = async () => {
        const token = await app.mintToken({
          externalId: `acme|${transport}`,
          displayName: 'Ada',
          ttlSeconds: 1,
        });
        minted.push(token.expiresAt);
        return token.token;
      };
      const ada = device(server.url, '', { token: provider, transport });
      clients.push(ada);
      const seen = record(ada);
      await seen.connected();
      const room = await ada.api.room.create.mutate({ kind: 'private', name: 'renewals' });
      await ada.send({ roomId: room.id, body: 'before' });

      await pastExpiry(minted[0] ?? 0);
      // The call is refused (expired), renewed and sent again: the caller sees the result only.
      await ada.send({ roomId: room.id, body: 'after' });
      await seen.until(() => seen.bodies(room.id).length === 2, 'both messages');
      expect(seen.bodies(room.id)).toEqual(['before', 'after']);
      expect(minted.length).toBeGreaterThanOrEqual(2);
      if (transport === 'poll') {
        // Each poll carries the token: an expired one is renewed and the stream goes on.
        await pastExpiry(minted.at(-1) ?? 0);
        await ada.send({ roomId: room.id, body: 'later' });
        await seen.until(() => seen.bodies(room.id).length === 3, 'the third message');
      }
      expect(seen.states).not.toContain('closed');
      expect(ada.state).toBe('connected');
    },
  );

  it('gives up, closed with the code, when the new token is refused as well', async () => {
    let asked = 0;
    const client = device(server.url, '', {
      token: async () => {
        asked += 1;
        return 'not-a-token-anyone-issued';
      },
      transport: 'ws',
    });
    clients.push(client);
    const seen = record(client);
    await seen.until(() => client.state === 'closed', 'closed');
    expect(errorCodeOf(client.status.error)).toBe('SESSION_INVALID');
    expect(asked).toBe(2);
  });

  it('signs in and registers without a throwaway client; a closed client opens again and resumes', async () => {
    const made = await register(server.url, {
      username: 'helper_ada',
      displayName: 'Ada',
      password: 'correct horse battery',
    });
    const auth = await signIn(server.url, {
      username: 'helper_ada',
      password: 'correct horse battery',
    });
    expect(auth.user).toEqual(made.user);
    const refused = await signIn(server.url, { username: 'helper_ada', password: 'wrong' }).then(
      () => undefined,
      (error: unknown) => errorCodeOf(error),
    );
    expect(refused).toBe('INVALID_CREDENTIALS');

    const ada = device(server.url, auth.token, { transport: 'ws' });
    const other = device(server.url, made.token, { transport: 'ws' });
    clients.push(ada, other);
    const seen = record(ada);
    await seen.connected();
    const room = await ada.api.room.create.mutate({ kind: 'private', name: 'reopen' });
    await ada.send({ roomId: room.id, body: 'one' });
    await seen.until(() => seen.bodies(room.id).length === 1, 'the first message');
    ada.close();
    expect(ada.state).toBe('closed');
    await other.send({ roomId: room.id, body: 'while closed' });
    ada.open();
    await seen.until(() => seen.bodies(room.id).length === 2, 'the missed message');
    expect(seen.bodies(room.id)).toEqual(['one', 'while closed']);
    await seen.connected();
  });

  it('the push client posts as a bot, pushes to a user and broadcasts, all by API key', async () => {
    const app = createPushClient({ url: server.url, apiKey: API_KEY });
    const bot = await app.upsertUser({ externalId: 'acme|bot', displayName: 'CI bot' });
    const ada = await app.mintToken({ externalId: 'acme|ada', displayName: 'Ada' });
    const client = device(server.url, ada.token, { transport: 'sse' });
    clients.push(client);
    const seen = record(client);
    await seen.connected();
    const room = await client.api.room.create.mutate({ kind: 'private', name: 'builds' });
    await client.api.room.invite.mutate({ roomId: room.id, username: bot.user.username });
    const posted = await app.postMessage({
      roomId: room.id,
      asUsername: bot.user.username,
      clientMsgId: 'build-7',
      body: 'Build 7 passed',
    });
    expect(
      await app.postMessage({
        roomId: room.id,
        asUsername: bot.user.username,
        clientMsgId: 'build-7',
        body: 'Build 7 passed',
      }),
    ).toEqual(posted);
    await app.toUser({ username: ada.user.username, data: { kind: 'invoice', id: 7 } });
    await app.broadcast({ body: 'Maintenance at 22:00' });
    await seen.until(() => seen.events.some((e) => e.type === 'announcement'), 'the announcement');
    expect(seen.bodies(room.id)).toEqual(['Build 7 passed']);
    expect(seen.events.filter((e) => e.type === 'push').map((e) => e.data)).toEqual([
      { kind: 'invoice', id: 7 },
    ]);
    const wrong = createPushClient({ url: server.url, apiKey: 'wrong-key-0123456789abcdef' });
    expect(await wrong.broadcast({ body: 'x' }).then(undefined, errorCodeOf)).toBe(
      'INVALID_API_KEY',
    );
  });

  it('a client without a token in Node is refused, as before', async () => {
    const client = createChatClient({ url: server.url, ...nodeGlobals, transport: 'ws' });
    clients.push(client);
    const seen = record(client);
    await seen.until(() => client.state === 'closed', 'closed');
    expect(errorCodeOf(client.status.error)).toBe('UNAUTHENTICATED');
  });
});
