import type { Message } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { openStore, testClock } from '../../__tests__/store.js';
import type { NewMessage, Store } from '../../ports/store.js';
import { newTimeOrderedId } from '../../services/crypto.js';
import { resolveMentions } from '../../services/mentions.js';

// Mentions and notification levels in the store, on every engine.
describe.each(ENGINES)('mentions store on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    ({ db, store } = await openStore(create));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const { tick, nextId } = testClock();

  async function user(name: string) {
    const id = nextId('u');
    const username = `${name}_${id}`;
    await store.createUser({
      id,
      username,
      displayName: name,
      createdAt: tick(),
      passwordHash: 'x',
    });
    return { id, username };
  }

  /** A room of `owner` (owner) and `others` (members). */
  async function room(owner: string, others: string[], name = 'room') {
    const created = await store.createRoom(
      { id: nextId('r'), kind: 'private', name, topic: '', createdAt: tick() },
      [
        { userId: owner, role: 'owner' },
        ...others.map((userId) => ({ userId, role: 'member' as const })),
      ],
    );
    return created.room.id;
  }

  /** Appends a message; ids are time-ordered, as the server's are (the view sorts by them). */
  async function send(
    roomId: string,
    authorId: string,
    body: string,
    extra: Partial<NewMessage> = {},
  ): Promise<Message> {
    const at = tick();
    const result = await store.appendMessage({
      id: newTimeOrderedId(at),
      roomId,
      authorId,
      clientMsgId: nextId('c'),
      body,
      at,
      ...extra,
    });
    if (result.status !== 'created') throw new Error(`expected created, got ${result.status}`);
    return result.message;
  }

  const idsOf = async (userId: string) =>
    (await store.mentionsOf(userId, { limit: 100 })).mentions.map((m) => m.message.id);

  it('resolves @usernames against the current members: non-members ignored, the author dropped, in order', async () => {
    const [ann, ben, cal, dan] = [
      await user('ann'),
      await user('ben'),
      await user('cal'),
      await user('dan'),
    ];
    const roomId = await room(ann.id, [ben.id, cal.id]);
    const body = `@${cal.username.toUpperCase()} and @${ben.username}, cc @${dan.username} @${ann.username} \`@${ben.username}\``;
    expect(await resolveMentions(store, ann, roomId, body)).toEqual({ mentions: [cal.id, ben.id] });
    expect(await resolveMentions(store, ann, roomId, `mail ${ben.username}@example.com`)).toEqual(
      {},
    );
    expect(await resolveMentions(store, ann, roomId, 'no at sign')).toEqual({});
    // @room: the owner and admins only; from a member it is plain text.
    expect(await resolveMentions(store, ann, roomId, '@room standup')).toEqual({
      mentionsRoom: true,
    });
    expect(await resolveMentions(store, ben, roomId, `@room and @${cal.username}`)).toEqual({
      mentions: [cal.id],
    });
    expect(await store.setRole(roomId, ben.id, 'admin')).toBe(true);
    expect(await resolveMentions(store, ben, roomId, '@room')).toEqual({ mentionsRoom: true });
    // Not a member at all: nobody is named (the append then refuses the send).
    expect(await resolveMentions(store, dan, roomId, `@room @${ann.username}`)).toEqual({
      mentions: [ann.id],
    });
  });

  it('rows are written with the message, on a lone send, a group commit and a reply; the message and its event carry them', async () => {
    const [ann, ben, cal] = [await user('ann'), await user('ben'), await user('cal')];
    const roomId = await room(ann.id, [ben.id, cal.id], 'team');
    const plain = await send(roomId, ann.id, 'hello');
    expect(plain.mentions).toBeUndefined();
    const lone = await send(roomId, ann.id, '@ben @cal', { mentions: [ben.id, cal.id] });
    expect(lone.mentions).toEqual([ben.id, cal.id]);
    // Sent together: one group commit.
    const batch = await Promise.all([
      send(roomId, ann.id, '@ben first', { mentions: [ben.id] }),
      send(roomId, cal.id, 'nobody'),
      send(roomId, cal.id, '@ben second', { mentions: [ben.id] }),
    ]);
    const reply = await send(roomId, ben.id, '@cal see above', {
      mentions: [cal.id],
      replyToId: lone.id,
    });
    expect(await idsOf(ben.id)).toEqual([batch[2].id, batch[0].id, lone.id]);
    expect(await idsOf(cal.id)).toEqual([reply.id, lone.id]);
    expect(await idsOf(ann.id)).toEqual([]);

    const page = await store.mentionsOf(cal.id, { limit: 10 });
    expect(page).toEqual({
      mentions: [
        { room: { id: roomId, name: 'team', kind: 'private' }, message: reply },
        { room: { id: roomId, name: 'team', kind: 'private' }, message: lone },
      ],
      hasMore: false,
    });
    const { events } = await store.eventsAfter(roomId, 0, 100);
    const created = events.find((e) => e.type === 'message.created' && e.message.id === lone.id);
    expect(created).toMatchObject({ message: { mentions: [ben.id, cal.id] } });
    const history = await store.history(roomId, { limit: 10 });
    expect(history.messages.find((m) => m.id === batch[0].id)?.mentions).toEqual([ben.id]);
  });

  it('@room writes a row for every member but the author, as they are when it commits', async () => {
    const [ann, ben, cal, dan] = [
      await user('ann'),
      await user('ben'),
      await user('cal'),
      await user('dan'),
    ];
    const roomId = await room(ann.id, [ben.id, cal.id]);
    const lone = await send(roomId, ann.id, '@room lunch', { mentionsRoom: true });
    expect(lone.mentionsRoom).toBe(true);
    const [batched] = await Promise.all([
      send(roomId, ann.id, '@room and @ben', { mentionsRoom: true, mentions: [ben.id] }),
      send(roomId, ben.id, 'ok'),
    ]);
    expect(await idsOf(ben.id)).toEqual([batched.id, lone.id]);
    expect(await idsOf(cal.id)).toEqual([batched.id, lone.id]);
    expect(await idsOf(ann.id)).toEqual([]);
    // Dan joins later: earlier @room messages did not name him.
    await store.addMember(roomId, {
      userId: dan.id,
      role: 'member',
      via: 'invite',
      actorId: ann.id,
      at: tick(),
    });
    expect(await idsOf(dan.id)).toEqual([]);
  });

  it('an edit keeps the mentions; a deleted message leaves the view; so does a room the member left, until they are back', async () => {
    const [ann, ben] = [await user('ann'), await user('ben')];
    const roomId = await room(ann.id, [ben.id]);
    const other = await room(ann.id, [ben.id]);
    const kept = await send(roomId, ann.id, '@ben kept', { mentions: [ben.id] });
    const gone = await send(roomId, ann.id, '@ben oops', { mentions: [ben.id] });
    const elsewhere = await send(other, ann.id, '@ben there', { mentions: [ben.id] });
    expect(await idsOf(ben.id)).toEqual([elsewhere.id, gone.id, kept.id]);
    // Who a message names is fixed when it is sent: an edit changes neither the rows nor it.
    const edited = await store.editMessage({
      roomId,
      messageId: kept.id,
      authorId: ann.id,
      body: 'nobody now',
      at: tick(),
    });
    expect(edited.status).toBe('changed');
    expect(await idsOf(ben.id)).toEqual([elsewhere.id, gone.id, kept.id]);
    const view = await store.mentionsOf(ben.id, { limit: 10 });
    expect(view.mentions[2]?.message).toMatchObject({ body: 'nobody now', mentions: [ben.id] });

    const deleted = await store.deleteMessage({
      roomId,
      messageId: gone.id,
      authorId: ann.id,
      at: tick(),
    });
    expect(deleted.status).toBe('changed');
    expect(await idsOf(ben.id)).toEqual([elsewhere.id, kept.id]);

    await store.removeMember(other, {
      userId: ben.id,
      actorId: ben.id,
      at: tick(),
      type: 'member.left',
    });
    expect(await idsOf(ben.id)).toEqual([kept.id]);
    await store.addMember(other, {
      userId: ben.id,
      role: 'member',
      via: 'invite',
      actorId: ann.id,
      at: tick(),
    });
    expect(await idsOf(ben.id)).toEqual([elsewhere.id, kept.id]);
  });

  it('pages newest first by beforeId, with reactions as history has them', async () => {
    const [ann, ben] = [await user('ann'), await user('ben')];
    const roomId = await room(ann.id, [ben.id]);
    const sent: Message[] = [];
    for (let i = 0; i < 5; i += 1)
      sent.push(await send(roomId, ann.id, `@ben ${i}`, { mentions: [ben.id] }));
    const ids = sent.map((m) => m.id).reverse();
    const first = await store.mentionsOf(ben.id, { limit: 2 });
    expect([first.mentions.map((m) => m.message.id), first.hasMore]).toEqual([
      ids.slice(0, 2),
      true,
    ]);
    const second = await store.mentionsOf(ben.id, { beforeId: ids[1], limit: 2 });
    expect([second.mentions.map((m) => m.message.id), second.hasMore]).toEqual([
      ids.slice(2, 4),
      true,
    ]);
    // Messages come as history shows them, reactions included.
    const reacted = await store.react({
      roomId,
      messageId: sent[0]?.id ?? '',
      userId: ben.id,
      emoji: '👍',
      on: true,
      at: tick(),
    });
    expect(reacted.status).toBe('changed');
    const last = await store.mentionsOf(ben.id, { beforeId: ids[3], limit: 2 });
    expect(last.mentions[0]?.message.reactions).toEqual([{ emoji: '👍', userIds: [ben.id] }]);
    expect([last.mentions.map((m) => m.message.id), last.hasMore]).toEqual([ids.slice(4), false]);
  });

  it("levels are stored per member and room; muting is 'mentions'; rooms left are not listed", async () => {
    const [ann, ben] = [await user('ann'), await user('ben')];
    const [a, b, c] = [
      await room(ann.id, [ben.id]),
      await room(ann.id, [ben.id]),
      await room(ann.id, [ben.id]),
    ];
    expect(await store.roomLevelsOf(ben.id)).toEqual([]);
    await store.setRoomLevel(a, ben.id, 'none');
    await store.setRoomLevel(b, ben.id, 'mentions');
    await store.setRoomMuted(c, ben.id, true);
    const sorted = (levels: { roomId: string; level: string }[]) =>
      [...levels].sort((x, y) => x.roomId.localeCompare(y.roomId));
    expect(await store.roomLevelsOf(ben.id)).toEqual(
      sorted([
        { roomId: a, level: 'none' },
        { roomId: b, level: 'mentions' },
        { roomId: c, level: 'mentions' },
      ]),
    );
    expect(await store.mutedRoomsOf(ben.id)).toEqual([a, b, c].sort());
    expect(await store.roomLevelsOf(ann.id)).toEqual([]);
    // Muting a room at 'none' makes it 'mentions'; unmuting and 'all' remove the row.
    await store.setRoomMuted(a, ben.id, true);
    await store.setRoomMuted(b, ben.id, false);
    await store.setRoomLevel(c, ben.id, 'all');
    expect(await store.roomLevelsOf(ben.id)).toEqual([{ roomId: a, level: 'mentions' }]);
    await store.removeMember(a, {
      userId: ben.id,
      actorId: ben.id,
      at: tick(),
      type: 'member.left',
    });
    expect(await store.roomLevelsOf(ben.id)).toEqual([]);
    expect(await store.mutedRoomsOf(ben.id)).toEqual([]);
  });
});
