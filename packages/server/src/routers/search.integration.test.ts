import { SEARCH_LIMITS } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import { refusal } from '../notify/__tests__/fixtures.js';

type User = Awaited<ReturnType<typeof signUp>>;

// message.search over the API: what it refuses (and that a refusal is a clean error, never a
// 500), and who sees what. The index itself is tested on both engines in search.integration.test.ts
// beside the store.
describe('message.search over the API', () => {
  let database: TestDatabase;
  let server: TestServer;
  let alice: User;
  let bob: User;
  let roomId: string;
  let secretId: string;

  beforeAll(async () => {
    database = sqliteDatabase();
    server = await startServer(database.url);
    [alice, bob] = await Promise.all([signUp(server.url, 'alice'), signUp(server.url, 'bob')]);
    roomId = (await alice.api.room.create.mutate({ kind: 'public', name: 'plans' })).id;
    await bob.api.room.join.mutate({ roomId });
    secretId = (await alice.api.room.create.mutate({ kind: 'private', name: 'secret' })).id;
    await alice.api.message.send.mutate({ roomId, clientMsgId: 'a1', body: 'Launch on Friday' });
    await alice.api.message.send.mutate({
      roomId: secretId,
      clientMsgId: 's1',
      body: 'launch codes',
    });
  });
  afterAll(async () => {
    alice?.close();
    bob?.close();
    await server?.close();
    await database?.drop();
  });

  it('answers hits with the room, the message and its highlight segments', async () => {
    const page = await bob.api.message.search.query({ query: '  launch  ' });
    expect(page.hasMore).toBe(false);
    expect(page.hits).toHaveLength(1);
    expect(page.hits[0]?.room).toEqual({ id: roomId, name: 'plans', kind: 'public' });
    expect(page.hits[0]?.message).toMatchObject({ roomId, body: 'Launch on Friday' });
    expect(page.hits[0]?.segments).toEqual([
      { text: 'Launch', match: true },
      { text: ' on Friday', match: false },
    ]);
    // Alice is in both rooms.
    expect((await alice.api.message.search.query({ query: 'launch' })).hits).toHaveLength(2);
  });

  it('refuses malformed input with VALIDATION, and nothing else', async () => {
    const cases: [string, Parameters<typeof bob.api.message.search.query>[0], string][] = [
      ['empty', { query: '   ' }, 'query: Type something to search for'],
      [
        'too long',
        { query: 'x'.repeat(SEARCH_LIMITS.queryMaxChars + 1) },
        `query: Search can have at most ${SEARCH_LIMITS.queryMaxChars} characters`,
      ],
      [
        'two lines',
        { query: 'launch\ncodes' },
        'query: Search must not contain control characters or line breaks',
      ],
      [
        'page too big',
        { query: 'launch', limit: SEARCH_LIMITS.pageMax + 1 },
        `limit: Too big: expected number to be <=${SEARCH_LIMITS.pageMax}`,
      ],
      ['dates reversed', { query: 'launch', from: 2, to: 1 }, 'to: "from" must not be after "to"'],
    ];
    for (const [what, input, message] of cases) {
      expect({ what, ...(await refusal(bob.api.message.search.query(input))) }).toEqual({
        what,
        appCode: 'VALIDATION',
        message,
      });
    }
  });

  it('answers queries made of query syntax with a clean result', async () => {
    // Punctuation only separates words: "-launch" looks for "launch"; "body:launch" for both.
    for (const query of ['"', '*', 'NEAR(', "') OR 1=1 --", '-launch', 'body:launch', ':*']) {
      const page = await bob.api.message.search.query({ query });
      expect(
        page.hits.map((h) => h.message.body),
        query,
      ).toEqual(query === '-launch' ? ['Launch on Friday'] : []);
    }
  });

  it('a room filter on a room the caller is not in is refused as every room call is', async () => {
    expect(
      await refusal(bob.api.message.search.query({ query: 'launch', roomId: secretId })),
    ).toEqual({ appCode: 'ROOM_NOT_FOUND', message: 'Room not found' });
    const lobby = (await alice.api.room.create.mutate({ kind: 'public', name: 'lobby' })).id;
    expect(await refusal(bob.api.message.search.query({ query: 'launch', roomId: lobby }))).toEqual(
      {
        appCode: 'FORBIDDEN',
        message: 'Join the room first',
      },
    );
  });

  it('a member who leaves no longer finds the room’s messages', async () => {
    const carol = await signUp(server.url, 'carol');
    await carol.api.room.join.mutate({ roomId });
    expect((await carol.api.message.search.query({ query: 'friday' })).hits).toHaveLength(1);
    await carol.api.room.leave.mutate({ roomId });
    expect(await carol.api.message.search.query({ query: 'friday' })).toEqual({
      hits: [],
      hasMore: false,
    });
    carol.close();
  });
});
