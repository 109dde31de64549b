import type { SearchPage } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { openStore } from '../../__tests__/store.js';
import type { Store } from '../../ports/store.js';
import type { Authenticated } from '../../services/accounts.js';
import { createRooms } from '../../services/rooms.js';
import { createSearch, type Search } from '../../services/search.js';
import { createMemoryBus } from '../memory-bus.js';

// Full-text search on every engine (SQLite FTS5, PostgreSQL tsvector), through the search
// service: the index follows inserts, edits and deletes, and only the caller's rooms are searched.
describe.each(ENGINES)('message search on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  let search: Search;
  beforeAll(async () => {
    ({ db, store } = await openStore(create));
    search = createSearch({ store, rooms: createRooms({ store, bus: createMemoryBus(), now }) });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  let clock = 1_700_000_000_000;
  const now = () => clock;
  const tick = () => {
    clock += 1000;
    return clock;
  };
  // Zero-padded, so that ids sort by creation as real (time-ordered) ids do.
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}${String(++counter).padStart(8, '0')}`;

  async function user(name: string): Promise<Authenticated> {
    const id = nextId('u');
    const createdAt = tick();
    const username = `${name}_${id}`;
    await store.createUser({ id, username, displayName: name, createdAt, passwordHash: 'x' });
    return {
      user: { id, username, displayName: name, createdAt },
      session: {
        id: nextId('s'),
        userId: id,
        tokenHash: nextId('t'),
        deviceLabel: 'test',
        createdAt,
        lastSeenAt: createdAt,
        revokedAt: null,
      },
    };
  }

  async function room(
    owner: Authenticated,
    others: Authenticated[],
    kind: 'public' | 'private' = 'public',
  ) {
    const { room } = await store.createRoom(
      { id: nextId('r'), kind, name: `room ${counter}`, topic: '', createdAt: tick() },
      [
        { userId: owner.user.id, role: 'owner' },
        ...others.map((o) => ({ userId: o.user.id, role: 'member' as const })),
      ],
    );
    return room;
  }

  async function send(roomId: string, author: Authenticated, body: string) {
    const at = tick();
    const result = await store.appendMessage({
      id: nextId('m'),
      roomId,
      authorId: author.user.id,
      clientMsgId: nextId('c'),
      body,
      at,
    });
    if (result.status !== 'created') throw new Error(`expected created, got ${result.status}`);
    return result.message;
  }

  const find = (
    who: Authenticated,
    query: string,
    filters: Partial<Parameters<Search['messages']>[1]> = {},
  ): Promise<SearchPage> => search.messages(who, { query, limit: 20, ...filters });
  const ids = async (who: Authenticated, query: string, filters = {}) =>
    (await find(who, query, filters)).hits.map((h) => h.message.id);

  it('finds by whole words and by a prefix of the last word, newest first, highlighted', async () => {
    const [ann, ben] = [await user('ann'), await user('ben')];
    const r = await room(ann, [ben]);
    const first = await send(r.id, ann, 'The Deploy is done. deployment notes follow');
    const second = await send(r.id, ben, 'who broke the deploy?');
    await send(r.id, ben, 'nothing to see here');

    const page = await find(ben, 'deploy');
    expect(page.hasMore).toBe(false);
    expect(page.hits.map((h) => h.message.id)).toEqual([second.id, first.id]);
    expect(page.hits[0]?.room).toEqual({ id: r.id, name: r.name, kind: 'public' });
    expect(page.hits[0]?.message).toEqual(second);
    // The last word is a prefix: "deployment" is marked as well as "Deploy" (case aside).
    expect(page.hits[1]?.segments).toEqual([
      { text: 'The ', match: false },
      { text: 'Deploy', match: true },
      { text: ' is done. ', match: false },
      { text: 'deployment', match: true },
      { text: ' notes follow', match: false },
    ]);
    expect(page.hits[0]?.segments).toEqual([
      { text: 'who broke the ', match: false },
      { text: 'deploy', match: true },
      { text: '?', match: false },
    ]);
    // Every word is required; only the last one is a prefix.
    expect(await ids(ben, 'deploy notes')).toEqual([first.id]);
    expect(await ids(ben, 'deplo notes')).toEqual([]);
    expect(await ids(ben, 'notes deplo')).toEqual([first.id]);
    expect(await ids(ben, 'DEPLOYMENT')).toEqual([first.id]);
    // Words, not substrings: "ploy" is inside "deploy" but starts no word.
    expect(await ids(ben, 'ploy')).toEqual([]);
  });

  it('cuts words at punctuation the same way on both engines', async () => {
    const [ann] = [await user('ann')];
    const r = await room(ann, []);
    const mail = await send(
      r.id,
      ann,
      'write to alice@example.com or see https://docs.example.org/v1.5',
    );
    expect(await ids(ann, 'alice')).toEqual([mail.id]);
    expect(await ids(ann, 'docs')).toEqual([mail.id]);
    expect(await ids(ann, 'v1 5')).toEqual([mail.id]);
    const accents = await send(r.id, ann, 'Rendez-vous à l’ÉCOLE, 日本語 ok');
    expect(await ids(ann, 'école')).toEqual([accents.id]);
    // Accents count on both engines: no engine folds them away.
    expect(await ids(ann, 'ecole')).toEqual([]);
    expect(await ids(ann, 'vous')).toEqual([accents.id]);
    expect(await ids(ann, '日本語')).toEqual([accents.id]);
    expect((await find(ann, 'école')).hits[0]?.segments).toEqual([
      { text: 'Rendez-vous à l’', match: false },
      { text: 'ÉCOLE', match: true },
      { text: ', 日本語 ok', match: false },
    ]);
  });

  it('filters by room, author and date range, and pages with before', async () => {
    const [ann, ben] = [await user('ann'), await user('ben')];
    const a = await room(ann, [ben]);
    const b = await room(ben, [ann], 'private');
    const m1 = await send(a.id, ann, 'release one');
    const m2 = await send(b.id, ben, 'release two');
    const m3 = await send(a.id, ben, 'release three');
    const m4 = await send(b.id, ann, 'release four');

    expect(await ids(ann, 'release')).toEqual([m4.id, m3.id, m2.id, m1.id]);
    expect(await ids(ann, 'release', { roomId: a.id })).toEqual([m3.id, m1.id]);
    expect(await ids(ann, 'release', { authorId: ben.user.id })).toEqual([m3.id, m2.id]);
    expect(await ids(ann, 'release', { roomId: b.id, authorId: ann.user.id })).toEqual([m4.id]);
    // Inclusive at both ends.
    expect(await ids(ann, 'release', { from: m2.createdAt, to: m3.createdAt })).toEqual([
      m3.id,
      m2.id,
    ]);
    expect(await ids(ann, 'release', { from: m4.createdAt + 1 })).toEqual([]);

    const first = await find(ann, 'release', { limit: 3 });
    expect(first.hits.map((h) => h.message.id)).toEqual([m4.id, m3.id, m2.id]);
    expect(first.hasMore).toBe(true);
    const second = await find(ann, 'release', { limit: 3, before: m2.id });
    expect(second.hits.map((h) => h.message.id)).toEqual([m1.id]);
    expect(second.hasMore).toBe(false);
    const exact = await find(ann, 'release', { limit: 4 });
    expect(exact.hasMore).toBe(false);
  });

  it('searches only the rooms the caller is in now: never others, not after leaving', async () => {
    const [ann, ben, cat] = [await user('ann'), await user('ben'), await user('cat')];
    const shared = await room(ann, [ben]);
    const secret = await room(ann, [], 'private');
    const lobby = await room(ann, []);
    const visible = await send(shared.id, ann, 'budget for q3');
    const hidden = await send(secret.id, ann, 'budget secret');
    await send(lobby.id, ann, 'budget public but not joined');

    expect(await ids(ann, 'budget')).toHaveLength(3);
    expect(await ids(ben, 'budget')).toEqual([visible.id]);
    expect(await ids(cat, 'budget')).toEqual([]);
    // A room filter on a room the caller is not in is refused as every room call is.
    await expect(find(ben, 'budget', { roomId: secret.id })).rejects.toMatchObject({
      appCode: 'ROOM_NOT_FOUND',
    });
    await expect(find(ben, 'budget', { roomId: lobby.id })).rejects.toMatchObject({
      appCode: 'FORBIDDEN',
    });

    await store.removeMember(shared.id, {
      userId: ben.user.id,
      actorId: ben.user.id,
      at: tick(),
      type: 'member.left',
    });
    expect(await ids(ben, 'budget')).toEqual([]);
    expect(await ids(ann, 'budget', { roomId: secret.id })).toEqual([hidden.id]);
  });

  it('never finds a deleted message, nor the text an edit replaced', async () => {
    const [ann] = [await user('ann')];
    const r = await room(ann, []);
    const doomed = await send(r.id, ann, 'zebra crossing');
    const edited = await send(r.id, ann, 'giraffe neck');
    expect(await ids(ann, 'zebra')).toEqual([doomed.id]);
    expect(await ids(ann, 'giraffe')).toEqual([edited.id]);

    const deleted = await store.deleteMessage({
      roomId: r.id,
      messageId: doomed.id,
      authorId: ann.user.id,
      at: tick(),
    });
    expect(deleted.status).toBe('changed');
    expect(await ids(ann, 'zebra')).toEqual([]);

    const changed = await store.editMessage({
      roomId: r.id,
      messageId: edited.id,
      authorId: ann.user.id,
      body: 'okapi neck',
      at: tick(),
    });
    expect(changed.status).toBe('changed');
    expect(await ids(ann, 'giraffe')).toEqual([]);
    const page = await find(ann, 'okapi');
    expect(page.hits.map((h) => [h.message.id, h.message.body])).toEqual([
      [edited.id, 'okapi neck'],
    ]);
    expect(page.hits[0]?.segments).toEqual([
      { text: 'okapi', match: true },
      { text: ' neck', match: false },
    ]);
    // A word the edit kept is still found, once.
    expect(await ids(ann, 'neck')).toEqual([edited.id]);
  });

  it('follows membership back, finds thread replies, and drops what retention deleted', async () => {
    const [ann, ben] = [await user('ann'), await user('ben')];
    const r = await room(ann, [ben]);
    const old = await send(r.id, ann, 'walrus of old');
    const root = await send(r.id, ann, 'walrus thread root');
    const reply = await store.appendMessage({
      id: nextId('m'),
      roomId: r.id,
      authorId: ben.user.id,
      clientMsgId: nextId('c'),
      body: 'walrus in the thread',
      at: tick(),
      threadId: root.id,
    });
    if (reply.status !== 'created') throw new Error(reply.status);
    expect(await ids(ben, 'walrus')).toEqual([reply.message.id, root.id, old.id]);

    await store.removeMember(r.id, {
      userId: ben.user.id,
      actorId: ann.user.id,
      at: tick(),
      type: 'member.removed',
    });
    expect(await ids(ben, 'walrus')).toEqual([]);
    await store.addMember(r.id, {
      userId: ben.user.id,
      role: 'member',
      via: 'invite',
      actorId: ann.user.id,
      at: tick(),
    });
    expect(await ids(ben, 'walrus')).toEqual([reply.message.id, root.id, old.id]);

    // Retention deletes the rows up to the oldest message; the index forgets it with them.
    await store.truncateRoomLog(r.id, { olderThan: old.createdAt + 1, maxRows: 1000 });
    expect(await ids(ben, 'walrus')).toEqual([reply.message.id, root.id]);
  });

  it('answers hostile queries cleanly: their punctuation is never query syntax', async () => {
    const [ann] = [await user('ann')];
    const r = await room(ann, []);
    const near = await send(r.id, ann, 'NEAR the AND gate OR not');
    const quoted = await send(r.id, ann, 'she said "hello" (twice): select * from users');
    const hostile = [
      '"',
      '""',
      '"hello',
      '*',
      'hello*',
      '-hello',
      'NEAR(',
      'NEAR(gate AND, 2)',
      'body:hello',
      '(hello',
      'hello)',
      "'; drop table messages; --",
      "' OR '1'='1",
      '\\',
      '^hello',
      '!hello & | <->',
      ':*',
      'AND',
      'NOT',
    ];
    for (const query of hostile) {
      const page = await find(ann, query);
      expect(page.hasMore, query).toBe(false);
    }
    // Operators are words like any other, and punctuation only separates words.
    expect(await ids(ann, 'NEAR')).toEqual([near.id]);
    expect(await ids(ann, 'near and or')).toEqual([near.id]);
    expect(await ids(ann, 'NEAR(gate AND, 2)')).toEqual([]);
    expect(await ids(ann, 'NEAR(gate AND')).toEqual([near.id]);
    expect(await ids(ann, '"hello')).toEqual([quoted.id]);
    expect(await ids(ann, '(hello) -twice*')).toEqual([quoted.id]);
    expect(await ids(ann, 'body:hello')).toEqual([]);
    expect(await ids(ann, "'; select * from users; --")).toEqual([quoted.id]);
    // Nothing but punctuation: no word to look for, nothing found.
    expect(await find(ann, '*')).toEqual({ hits: [], hasMore: false });
    expect(await find(ann, '"()":*')).toEqual({ hits: [], hasMore: false });
    // The table is still there.
    expect(await ids(ann, 'gate')).toEqual([near.id]);
  });
});
