import { LIMITS, type Message, type Reaction, type RoomEvent } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { openStore, testClock } from '../../__tests__/store.js';
import type { Store } from '../../ports/store.js';

/** `n` different single-codepoint emoji (the Emoticons block), none of them 👍 or 🎉. */
const emojiRange = (n: number) =>
  Array.from({ length: n }, (_, i) => String.fromCodePoint(0x1f600 + i));

/**
 * What a client gets by applying the log's reaction events in order: an emoji appears where it
 * is first added, leaves when its last reactor takes it back. Reads must agree with it.
 */
function replay(events: RoomEvent[], messageId: string): Reaction[] {
  const byEmoji = new Map<string, string[]>();
  for (const e of events) {
    if (e.type === 'message.deleted' && e.messageId === messageId) byEmoji.clear();
    if (e.type !== 'reaction.added' && e.type !== 'reaction.removed') continue;
    if (e.messageId !== messageId) continue;
    const users = byEmoji.get(e.emoji) ?? [];
    if (e.type === 'reaction.added') byEmoji.set(e.emoji, [...users, e.actorId]);
    else if (users.length === 1) byEmoji.delete(e.emoji);
    else
      byEmoji.set(
        e.emoji,
        users.filter((u) => u !== e.actorId),
      );
  }
  return [...byEmoji].map(([emoji, userIds]) => ({ emoji, userIds }));
}

describe.each(ENGINES)('reactions and pins in the Kysely store on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    ({ db, store } = await openStore(create));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const { now, tick, nextId } = testClock();

  /** A private room with `n` members (the first owns it). */
  async function roomWith(n: number) {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const id = nextId('u');
      await store.createUser({
        id,
        username: `user_${id}`,
        displayName: id,
        createdAt: tick(),
        passwordHash: 'x',
      });
      ids.push(id);
    }
    const { room } = await store.createRoom(
      { id: nextId('r'), kind: 'private', name: 'room', topic: '', createdAt: tick() },
      ids.map((userId, i) => ({ userId, role: i === 0 ? 'owner' : 'member' })),
    );
    return { roomId: room.id, users: ids };
  }

  async function send(roomId: string, authorId: string, extra: { threadId?: string } = {}) {
    const result = await store.appendMessage({
      id: nextId('m'),
      roomId,
      authorId,
      clientMsgId: nextId('c'),
      body: 'hello',
      at: tick(),
      ...extra,
    });
    if (result.status !== 'created') throw new Error(`expected created, got ${result.status}`);
    return result.message;
  }

  const react = (roomId: string, messageId: string, userId: string, emoji: string, on = true) =>
    store.react({ roomId, messageId, userId, emoji, on, at: tick() });
  const pin = (roomId: string, messageId: string, userId: string, pinned = true) =>
    store.pin({ roomId, messageId, userId, pinned, at: tick() });
  const log = async (roomId: string) => (await store.eventsAfter(roomId, 0, 500)).events;
  const lastSeq = async (roomId: string) => (await store.roomById(roomId))?.lastSeq;
  async function inHistory(roomId: string, messageId: string): Promise<Message | undefined> {
    return (await store.history(roomId, { limit: 100 })).messages.find((m) => m.id === messageId);
  }

  it('adds and removes a reaction with one event each, carrying its seq and actor; a no-op appends nothing', async () => {
    const { roomId, users } = await roomWith(2);
    const [alice, bob] = users as [string, string];
    const message = await send(roomId, alice);

    const added = await react(roomId, message.id, bob, '👍');
    expect(added).toEqual({
      status: 'changed',
      event: {
        type: 'reaction.added',
        roomId,
        seq: message.seq + 1,
        actorId: bob,
        at: now(),
        messageId: message.id,
        emoji: '👍',
      },
    });
    expect(await react(roomId, message.id, bob, '👍')).toEqual({ status: 'unchanged' });
    expect(await lastSeq(roomId)).toBe(message.seq + 1);
    expect((await inHistory(roomId, message.id))?.reactions).toEqual([
      { emoji: '👍', userIds: [bob] },
    ]);

    const removed = await react(roomId, message.id, bob, '👍', false);
    expect(removed).toEqual({
      status: 'changed',
      event: {
        type: 'reaction.removed',
        roomId,
        seq: message.seq + 2,
        actorId: bob,
        at: now(),
        messageId: message.id,
        emoji: '👍',
      },
    });
    expect(await react(roomId, message.id, bob, '👍', false)).toEqual({ status: 'unchanged' });
    // Removing a reaction nobody made is a no-op too.
    expect(await react(roomId, message.id, alice, '🎉', false)).toEqual({ status: 'unchanged' });
    expect(await lastSeq(roomId)).toBe(message.seq + 2);
    const events = await log(roomId);
    expect(events.slice(-2)).toEqual([
      added.status === 'changed' && added.event,
      removed.status === 'changed' && removed.event,
    ]);
    // No reactions left: the field is absent, as on a message nobody reacted to.
    expect(await inHistory(roomId, message.id)).toEqual(message);
  });

  it('lists emoji by first use and reactors in order, as replaying the log does', async () => {
    const { roomId, users } = await roomWith(3);
    const [a, b, c] = users as [string, string, string];
    const first = await send(roomId, a);
    const second = await send(roomId, b);
    const untouched = await send(roomId, c);
    await react(roomId, first.id, c, '🎉');
    await react(roomId, first.id, a, '👍');
    await react(roomId, second.id, a, '👀');
    await react(roomId, first.id, b, '🎉');
    await react(roomId, first.id, a, '🎉');
    await react(roomId, first.id, a, '👍', false); // 👍 is gone...
    await react(roomId, first.id, b, '👍'); // ...and comes back after 🎉's reactors
    await react(roomId, first.id, c, '🎉', false);
    await react(roomId, first.id, c, '🎉'); // c is now the last of 🎉's

    const page = await store.history(roomId, { limit: 10 });
    expect(page.messages.map((m) => [m.id, m.reactions])).toEqual([
      [
        first.id,
        [
          { emoji: '🎉', userIds: [b, a, c] },
          { emoji: '👍', userIds: [b] },
        ],
      ],
      [second.id, [{ emoji: '👀', userIds: [a] }]],
      [untouched.id, undefined],
    ]);
    const events = await log(roomId);
    for (const m of page.messages) expect(m.reactions ?? []).toEqual(replay(events, m.id));
  });

  it('refuses an unknown message, one of another room and a deleted one, appending nothing; thread replies take reactions', async () => {
    const { roomId, users } = await roomWith(2);
    const [alice, bob] = users as [string, string];
    const other = await roomWith(1);
    const elsewhere = await send(other.roomId, other.users[0] as string);
    const root = await send(roomId, alice);
    const reply = await send(roomId, bob, { threadId: root.id });
    const doomed = await send(roomId, alice);
    await store.deleteMessage({ roomId, messageId: doomed.id, authorId: alice, at: tick() });
    const before = await lastSeq(roomId);

    expect(await react(roomId, 'no-such-message', bob, '👍')).toEqual({ status: 'not-found' });
    expect(await react(roomId, elsewhere.id, bob, '👍')).toEqual({ status: 'not-found' });
    expect(await react('no-such-room', root.id, bob, '👍')).toEqual({ status: 'not-found' });
    expect(await react(roomId, doomed.id, bob, '👍')).toEqual({ status: 'deleted' });
    expect(await react(roomId, doomed.id, bob, '👍', false)).toEqual({ status: 'deleted' });
    expect(await lastSeq(roomId)).toBe(before);
    expect(await lastSeq(other.roomId)).toBe(elsewhere.seq);

    expect(await react(roomId, reply.id, alice, '👀')).toMatchObject({
      status: 'changed',
      event: { type: 'reaction.added', seq: (before ?? 0) + 1, messageId: reply.id },
    });
  });

  it(`refuses a user's ${LIMITS.reactionsPerUserPerMessageMax + 1}st reaction and a message's ${LIMITS.reactionsPerMessageMax + 1}st emoji, appending nothing`, async () => {
    const { roomId, users } = await roomWith(4);
    const [a, b, c, d] = users as [string, string, string, string];
    const message = await send(roomId, a);
    const emoji = emojiRange(LIMITS.reactionsPerMessageMax + 1);
    const perUser = LIMITS.reactionsPerUserPerMessageMax;
    // a uses 20, b the next 20, c the last 10 of the 50: the message is full.
    for (const [user, from, to] of [
      [a, 0, perUser],
      [b, perUser, 2 * perUser],
      [c, 2 * perUser, LIMITS.reactionsPerMessageMax],
    ] as const) {
      for (const e of emoji.slice(from, to)) {
        expect((await react(roomId, message.id, user, e)).status).toBe('changed');
      }
    }
    const full = await lastSeq(roomId);
    expect(await react(roomId, message.id, a, emoji[perUser] as string)).toEqual({
      status: 'too-many-mine',
    });
    expect(await react(roomId, message.id, d, emoji[50] as string)).toEqual({
      status: 'too-many-emoji',
    });
    expect(await lastSeq(roomId)).toBe(full);
    // An emoji already on the message still takes another reactor...
    expect((await react(roomId, message.id, d, emoji[0] as string)).status).toBe('changed');
    // ...and one that frees a place lets a new emoji in.
    expect((await react(roomId, message.id, c, emoji[49] as string, false)).status).toBe('changed');
    expect((await react(roomId, message.id, d, emoji[50] as string)).status).toBe('changed');
    const reactions = (await inHistory(roomId, message.id))?.reactions ?? [];
    expect(reactions).toHaveLength(LIMITS.reactionsPerMessageMax);
    expect(reactions[0]).toEqual({ emoji: emoji[0], userIds: [a, d] });
    expect(reactions.at(-1)).toEqual({ emoji: emoji[50], userIds: [d] });
  });

  it('lets exactly as many racing reactions in as the message has places left', async () => {
    const { roomId, users } = await roomWith(13);
    const message = await send(roomId, users[0] as string);
    const places = 5;
    const present = LIMITS.reactionsPerMessageMax - places;
    const emoji = emojiRange(present + 2 * places);
    // 45 emoji from the first three, each within their own limit.
    for (const [i, e] of emoji.slice(0, present).entries()) {
      const user = users[Math.floor(i / LIMITS.reactionsPerUserPerMessageMax)] as string;
      await react(roomId, message.id, user, e);
    }
    // Ten people at once, each with a new emoji: the room's lock makes them take turns.
    const race = await Promise.all(
      emoji.slice(present).map((e, i) => react(roomId, message.id, users[3 + i] as string, e)),
    );
    expect(race.filter((r) => r.status === 'changed')).toHaveLength(places);
    expect(race.filter((r) => r.status === 'too-many-emoji')).toHaveLength(places);
    expect((await inHistory(roomId, message.id))?.reactions).toHaveLength(
      LIMITS.reactionsPerMessageMax,
    );
  });

  it('a delete removes the reactions and the pin, keeping the reaction events in the log', async () => {
    const { roomId, users } = await roomWith(2);
    const [alice, bob] = users as [string, string];
    const message = await send(roomId, alice);
    await react(roomId, message.id, bob, '👍');
    await pin(roomId, message.id, bob);
    const deletedAt = tick();
    const deleted = await store.deleteMessage({
      roomId,
      messageId: message.id,
      authorId: alice,
      at: deletedAt,
    });
    expect(deleted).toMatchObject({ status: 'changed', event: { type: 'message.deleted' } });
    expect(await inHistory(roomId, message.id)).toEqual({
      ...message,
      body: '',
      deletedAt,
    });
    expect(await store.pins(roomId)).toEqual([]);
    expect((await log(roomId)).map((e) => e.type).slice(-4)).toEqual([
      'message.created',
      'reaction.added',
      'message.pinned',
      'message.deleted',
    ]);
    expect(replay(await log(roomId), message.id)).toEqual([]);
    // The tombstone cannot be pinned (nor unpinned) again.
    expect(await pin(roomId, message.id, bob)).toEqual({ status: 'deleted' });
    expect(await pin(roomId, message.id, bob, false)).toEqual({ status: 'deleted' });
  });

  it('pins and unpins with one event each; lists pins most recently pinned first, with reactions', async () => {
    const { roomId, users } = await roomWith(2);
    const [alice, bob] = users as [string, string];
    const older = await send(roomId, alice);
    const newer = await send(roomId, bob);
    await react(roomId, older.id, bob, '👍');

    const pinned = await pin(roomId, newer.id, alice);
    expect(pinned).toEqual({
      status: 'changed',
      event: {
        type: 'message.pinned',
        roomId,
        seq: newer.seq + 2,
        actorId: alice,
        at: now(),
        messageId: newer.id,
      },
    });
    const newerPinnedAt = now();
    expect(await pin(roomId, newer.id, bob)).toEqual({ status: 'unchanged' });
    await pin(roomId, older.id, bob);
    const olderPinnedAt = now();
    expect(await store.pins(roomId)).toEqual([
      {
        ...older,
        reactions: [{ emoji: '👍', userIds: [bob] }],
        pinned: { by: bob, at: olderPinnedAt },
      },
      { ...newer, pinned: { by: alice, at: newerPinnedAt } },
    ]);
    expect((await inHistory(roomId, newer.id))?.pinned).toEqual({ by: alice, at: newerPinnedAt });

    // Anyone in the room unpins, whoever pinned.
    expect(await pin(roomId, older.id, alice, false)).toEqual({
      status: 'changed',
      event: {
        type: 'message.unpinned',
        roomId,
        seq: newer.seq + 4,
        actorId: alice,
        at: now(),
        messageId: older.id,
      },
    });
    expect(await pin(roomId, older.id, alice, false)).toEqual({ status: 'unchanged' });
    expect(await lastSeq(roomId)).toBe(newer.seq + 4);
    expect((await store.pins(roomId)).map((m) => m.id)).toEqual([newer.id]);
    expect(await pin(roomId, 'no-such-message', alice)).toEqual({ status: 'not-found' });
    expect(await pin('no-such-room', newer.id, alice, false)).toEqual({ status: 'not-found' });
  });

  it(`refuses a room's ${LIMITS.pinsPerRoomMax + 1}st pin, appending nothing, until one is unpinned`, async () => {
    const { roomId, users } = await roomWith(1);
    const [alice] = users as [string];
    const messages: Message[] = [];
    for (let i = 0; i <= LIMITS.pinsPerRoomMax; i += 1) messages.push(await send(roomId, alice));
    for (const m of messages.slice(0, LIMITS.pinsPerRoomMax)) await pin(roomId, m.id, alice);
    const full = await lastSeq(roomId);
    const last = messages.at(-1) as Message;
    expect(await pin(roomId, last.id, alice)).toEqual({ status: 'too-many-pins' });
    expect(await lastSeq(roomId)).toBe(full);
    expect((await inHistory(roomId, last.id))?.pinned).toBeUndefined();
    const pins = await store.pins(roomId);
    expect(pins).toHaveLength(LIMITS.pinsPerRoomMax);
    expect(pins[0]?.id).toBe(messages[LIMITS.pinsPerRoomMax - 1]?.id);

    await pin(roomId, messages[0]?.id as string, alice, false);
    expect(await pin(roomId, last.id, alice)).toMatchObject({
      status: 'changed',
      event: { type: 'message.pinned', seq: (full ?? 0) + 2 },
    });
    expect((await store.pins(roomId))[0]?.id).toBe(last.id);
  });

  it('lets exactly as many racing pins in as the room has places left', async () => {
    const { roomId, users } = await roomWith(6);
    const places = 3;
    const messages: Message[] = [];
    for (let i = 0; i < LIMITS.pinsPerRoomMax + places; i += 1) {
      messages.push(await send(roomId, users[0] as string));
    }
    const present = LIMITS.pinsPerRoomMax - places;
    for (const m of messages.slice(0, present)) await pin(roomId, m.id, users[0] as string);
    const race = await Promise.all(
      messages.slice(present).map((m, i) => pin(roomId, m.id, users[i] as string)),
    );
    expect(race.filter((r) => r.status === 'changed')).toHaveLength(places);
    expect(race.filter((r) => r.status === 'too-many-pins')).toHaveLength(places);
    expect(await store.pins(roomId)).toHaveLength(LIMITS.pinsPerRoomMax);
  });
});
