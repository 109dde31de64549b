import type { Message, RoomEvent } from '@confab/contracts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENGINES,
  postgresDatabase,
  TEST_POSTGRES_URL,
  type TestDatabase,
} from '../../__tests__/databases.js';
import { captureLogs } from '../../__tests__/log-capture.js';
import { openStore, testClock } from '../../__tests__/store.js';
import type { SessionRecord, Store } from '../../ports/store.js';
import { hearConnectionLoss } from './pg-connection-loss.js';
import { createStoreFromUrl } from './store.js';

// One suite, every engine: the Store port promises the same behaviour on SQLite and PostgreSQL.
describe.each(ENGINES)('Kysely store on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  /** Every SQL statement the store has run, in order. */
  const statements: string[] = [];
  beforeAll(async () => {
    ({ db, store } = await openStore(create, { onQuery: (sql) => statements.push(sql) }));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const { now, tick, nextId } = testClock();

  async function user(name = 'user') {
    const id = nextId('u');
    const record = {
      id,
      username: `${name}_${id}`,
      displayName: name,
      createdAt: tick(),
      passwordHash: `hash-of-${id}`,
    };
    expect(await store.createUser(record)).toBe('created');
    const { passwordHash: _omit, ...publicUser } = record;
    return publicUser;
  }

  async function room(
    kind: 'public' | 'private' | 'direct',
    members: string[],
    name = 'room',
    directKey?: string,
  ) {
    const [owner, ...others] = members;
    if (owner === undefined) throw new Error('a room needs a member');
    return store.createRoom(
      { id: nextId('r'), kind, name, topic: '', createdAt: tick(), directKey },
      [
        { userId: owner, role: kind === 'direct' ? 'member' : 'owner' },
        ...others.map((userId) => ({ userId, role: 'member' as const })),
      ],
    );
  }

  async function send(roomId: string, authorId: string, body: string, clientMsgId?: string) {
    const result = await store.appendMessage({
      id: nextId('m'),
      roomId,
      authorId,
      clientMsgId: clientMsgId ?? nextId('c'),
      body,
      at: tick(),
    });
    if (result.status !== 'created') throw new Error(`expected created, got ${result.status}`);
    return result.message;
  }

  async function log(roomId: string): Promise<RoomEvent[]> {
    return (await store.eventsAfter(roomId, 0, 500)).events;
  }

  describe('users', () => {
    it('stores a user and refuses a second one with the same username', async () => {
      const alice = await user('alice');
      const taken = await store.createUser({
        id: nextId('u'),
        username: alice.username,
        displayName: 'Another Alice',
        createdAt: tick(),
        passwordHash: 'x',
      });
      expect(taken).toBe('username-taken');
      expect(await store.userByUsername(alice.username)).toEqual({
        ...alice,
        passwordHash: `hash-of-${alice.id}`,
      });
      expect(await store.userById(alice.id)).toEqual(alice);
      expect(await store.userById('nobody')).toBeUndefined();
      expect(await store.userByUsername('nobody')).toBeUndefined();
    });

    it('replaces a password hash only while it is still the one the caller read', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const read = `hash-of-${alice.id}`;
      expect(await store.updatePasswordHash(alice.id, { from: read, to: 'rehashed' })).toBe(true);
      // A second rehash from the same stale read must not overwrite the newer hash.
      expect(await store.updatePasswordHash(alice.id, { from: read, to: 'stale' })).toBe(false);
      expect(await store.updatePasswordHash('nobody', { from: read, to: 'x' })).toBe(false);
      expect((await store.userByUsername(alice.username))?.passwordHash).toBe('rehashed');
      expect((await store.userByUsername(bob.username))?.passwordHash).toBe(`hash-of-${bob.id}`);
    });
  });

  describe('sessions', () => {
    it('finds a session by token hash, touches it, revokes it once, and lists live ones', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const session = (label: string, lastSeenAt: number): SessionRecord => ({
        id: nextId('s'),
        userId: alice.id,
        tokenHash: `token-hash-${nextId('t')}`,
        deviceLabel: label,
        createdAt: lastSeenAt,
        lastSeenAt,
        revokedAt: null,
      });
      const laptop = session('laptop', tick());
      const phone = session('phone', tick());
      const tablet = session('tablet', tick());
      for (const s of [laptop, phone, tablet]) await store.createSession(s);

      expect(await store.sessionByTokenHash(laptop.tokenHash)).toEqual(laptop);
      expect(await store.sessionByTokenHash('unknown')).toBeUndefined();

      const seen = tick();
      await store.touchSession(laptop.id, seen);
      expect((await store.sessionByTokenHash(laptop.tokenHash))?.lastSeenAt).toBe(seen);

      // Only the owner of a session can revoke it, and only once.
      expect(await store.revokeSession(bob.id, phone.id, tick())).toBe(false);
      const revokedAt = tick();
      expect(await store.revokeSession(alice.id, phone.id, revokedAt)).toBe(true);
      expect(await store.revokeSession(alice.id, phone.id, tick())).toBe(false);
      expect(await store.sessionByTokenHash(phone.tokenHash)).toEqual({ ...phone, revokedAt });
      // The session with its user, in one query: revoked sessions too (the caller refuses them).
      expect(await store.sessionWithUser(phone.tokenHash)).toEqual({
        session: { ...phone, revokedAt },
        user: alice,
      });
      expect(await store.sessionWithUser('unknown')).toBeUndefined();

      // Most recently seen first; the revoked phone is gone.
      expect(await store.sessionsOf(alice.id)).toEqual([{ ...laptop, lastSeenAt: seen }, tablet]);
      expect(await store.sessionsOf(bob.id)).toEqual([]);
    });
  });

  describe('rooms and membership', () => {
    it('creates a room with one member.joined event per member, seqs 1..n', async () => {
      const [a, b, c] = [await user('a'), await user('b'), await user('c')];
      const { room: created, events } = await room('private', [a.id, b.id, c.id], 'trio');
      expect(created).toEqual({
        id: created.id,
        kind: 'private',
        name: 'trio',
        topic: '',
        createdAt: now(),
        lastSeq: 3,
        lastActivityAt: now(),
      });
      const joined = (seq: number, userId: string, role: string, via: string) => ({
        type: 'member.joined',
        roomId: created.id,
        seq,
        actorId: a.id,
        at: now(),
        userId,
        role,
        via,
      });
      expect(events).toEqual([
        joined(1, a.id, 'owner', 'create'),
        joined(2, b.id, 'member', 'invite'),
        joined(3, c.id, 'member', 'invite'),
      ]);
      expect(await log(created.id)).toEqual(events);
      expect(await store.roomById(created.id)).toEqual(created);
      expect((await store.members(created.id)).map((m) => [m.userId, m.role])).toEqual([
        [a.id, 'owner'],
        [b.id, 'member'],
        [c.id, 'member'],
      ]);
      expect(await store.membership(created.id, b.id)).toEqual({
        roomId: created.id,
        userId: b.id,
        role: 'member',
        joinedAt: now(),
        lastReadSeq: 0,
      });
      expect(await store.membership(created.id, 'nobody')).toBeUndefined();
    });

    it('a direct room is found by its key, its joins are via direct, the key is unique', async () => {
      const [a, b] = [await user('a'), await user('b')];
      const key = [a.id, b.id].sort().join(':');
      const { room: dm, events } = await room('direct', [a.id, b.id], '', key);
      expect(events.map((e) => e.type === 'member.joined' && [e.seq, e.userId, e.via])).toEqual([
        [1, a.id, 'direct'],
        [2, b.id, 'direct'],
      ]);
      expect(await store.roomByDirectKey(key)).toEqual(dm);
      expect(await store.roomByDirectKey('x:y')).toBeUndefined();
      await expect(room('direct', [b.id, a.id], '', key)).rejects.toThrow();
      // The failed second creation left nothing behind.
      expect(await log(dm.id)).toEqual(events);
    });

    it('addMember and removeMember append their events with the next seqs', async () => {
      const [a, b, c] = [await user('a'), await user('b'), await user('c')];
      const { room: r } = await room('public', [a.id]);
      const joinedAt = tick();
      const joined = await store.addMember(r.id, {
        userId: b.id,
        role: 'member',
        via: 'join',
        actorId: b.id,
        at: joinedAt,
      });
      expect(joined).toEqual({
        type: 'member.joined',
        roomId: r.id,
        seq: 2,
        actorId: b.id,
        at: joinedAt,
        userId: b.id,
        role: 'member',
        via: 'join',
      });
      expect(
        await store.addMember(r.id, {
          userId: b.id,
          role: 'member',
          via: 'join',
          actorId: b.id,
          at: tick(),
        }),
      ).toBe('already-member');
      const invited = await store.addMember(r.id, {
        userId: c.id,
        role: 'member',
        via: 'invite',
        actorId: a.id,
        at: tick(),
      });
      expect(invited).toMatchObject({ seq: 3, userId: c.id, via: 'invite', actorId: a.id });

      const leftAt = tick();
      const left = await store.removeMember(r.id, {
        userId: b.id,
        actorId: b.id,
        at: leftAt,
        type: 'member.left',
      });
      expect(left).toEqual({
        type: 'member.left',
        roomId: r.id,
        seq: 4,
        actorId: b.id,
        at: leftAt,
        userId: b.id,
      });
      const removed = await store.removeMember(r.id, {
        userId: c.id,
        actorId: a.id,
        at: tick(),
        type: 'member.removed',
      });
      expect(removed).toMatchObject({ type: 'member.removed', seq: 5, userId: c.id });
      expect(
        await store.removeMember(r.id, {
          userId: c.id,
          actorId: a.id,
          at: tick(),
          type: 'member.removed',
        }),
      ).toBe('not-member');

      expect((await log(r.id)).map((e) => [e.seq, e.type])).toEqual([
        [1, 'member.joined'],
        [2, 'member.joined'],
        [3, 'member.joined'],
        [4, 'member.left'],
        [5, 'member.removed'],
      ]);
      expect((await store.roomById(r.id))?.lastSeq).toBe(5);
      expect((await store.members(r.id)).map((m) => m.userId)).toEqual([a.id]);
      expect(await store.roomIdsOf(b.id)).toEqual([]);
    });

    it('membersVersion moves with every join, leave, removal and account deletion, not with messages; memberSetsOf reads the sets', async () => {
      const [a, b, c, d] = [await user('a'), await user('b'), await user('c'), await user('d')];
      const { room: r } = await room('public', [a.id, b.id]);
      const { room: other } = await room('private', [a.id, c.id]);
      const version = async () =>
        (await store.roomSeqsOf(a.id)).find((h) => h.id === r.id)?.membersVersion;
      const sets = async (userId: string) =>
        Object.fromEntries(
          [...(await store.memberSetsOf(userId))].map(([id, members]) => [id, members.sort()]),
        );
      // The newest entry without a message: b's member.joined.
      expect(await version()).toBe(2);
      expect(await sets(a.id)).toEqual({
        [r.id]: [a.id, b.id].sort(),
        [other.id]: [a.id, c.id].sort(),
      });
      await send(r.id, a.id, 'hello');
      expect(await version()).toBe(2);

      const joined = await store.addMember(r.id, {
        userId: d.id,
        role: 'member',
        via: 'join',
        actorId: d.id,
        at: tick(),
      });
      expect(joined).toMatchObject({ seq: 4 });
      expect(await version()).toBe(4);
      expect(await sets(d.id)).toEqual({ [r.id]: [a.id, b.id, d.id].sort() });
      await store.removeMember(r.id, {
        userId: b.id,
        actorId: b.id,
        at: tick(),
        type: 'member.left',
      });
      expect(await version()).toBe(5);
      await store.removeMember(r.id, {
        userId: d.id,
        actorId: a.id,
        at: tick(),
        type: 'member.removed',
      });
      expect(await version()).toBe(6);
      expect(await sets(a.id)).toEqual({ [r.id]: [a.id], [other.id]: [a.id, c.id].sort() });
      expect(await store.memberSetsOf(d.id)).toEqual(new Map());

      // Account deletion leaves every room with a member.left.
      const otherVersion = (await store.roomSeqsOf(a.id)).find((h) => h.id === other.id);
      expect(otherVersion?.membersVersion).toBe(2);
      await store.deleteAccount(c.id, tick());
      expect((await store.roomSeqsOf(a.id)).find((h) => h.id === other.id)?.membersVersion).toBe(3);
      expect(await sets(a.id)).toEqual({ [r.id]: [a.id], [other.id]: [a.id] });
    });

    it('a user added several times at once joins once, with one event (regression: PostgreSQL raised a duplicate key)', async () => {
      const owner = await user('owner');
      const joiners = [await user('j'), await user('j'), await user('j'), await user('j')];
      const { room: r } = await room('public', [owner.id]);
      const results = await Promise.all(
        joiners.flatMap((j) =>
          [1, 2, 3, 4, 5].map(() =>
            store.addMember(r.id, {
              userId: j.id,
              role: 'member',
              via: 'join',
              actorId: j.id,
              at: tick(),
            }),
          ),
        ),
      );
      expect(results.filter((x) => x === 'already-member')).toHaveLength(16);
      const joined = results.flatMap((x) => (x === 'already-member' ? [] : [x]));
      expect(joined.map((e) => e.seq).sort((x, y) => x - y)).toEqual([2, 3, 4, 5]);
      expect(new Set(joined.map((e) => e.type === 'member.joined' && e.userId))).toEqual(
        new Set(joiners.map((j) => j.id)),
      );
      expect((await log(r.id)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(await store.members(r.id)).toHaveLength(5);
    });

    it('setRole changes a member and reports a non-member', async () => {
      const [a, b] = [await user('a'), await user('b')];
      const { room: r } = await room('private', [a.id, b.id]);
      expect(await store.setRole(r.id, b.id, 'admin')).toBe(true);
      expect((await store.membership(r.id, b.id))?.role).toBe('admin');
      expect(await store.setRole(r.id, 'nobody', 'admin')).toBe(false);
    });

    it('roomWithMembership gives the room and the membership, or no membership, or nothing', async () => {
      const [a, b, outsider] = [await user('a'), await user('b'), await user('o')];
      const { room: r } = await room('private', [a.id, b.id]);
      const room_ = await store.roomById(r.id);
      expect(await store.roomWithMembership(r.id, b.id)).toEqual({
        room: room_,
        membership: await store.membership(r.id, b.id),
      });
      expect((await store.roomWithMembership(r.id, b.id))?.membership).toMatchObject({
        roomId: r.id,
        userId: b.id,
        role: 'member',
      });
      expect(await store.roomWithMembership(r.id, outsider.id)).toEqual({
        room: room_,
        membership: undefined,
      });
      expect(await store.roomWithMembership('no-such-room', a.id)).toBeUndefined();
    });

    it('updateRoom changes name, topic and kind and logs room.updated', async () => {
      const a = await user('a');
      const { room: r } = await room('public', [a.id], 'before');
      const at = tick();
      const event = await store.updateRoom(r.id, { topic: 'new topic', actorId: a.id, at });
      expect(event).toEqual({
        type: 'room.updated',
        roomId: r.id,
        seq: 2,
        actorId: a.id,
        at,
        name: 'before',
        topic: 'new topic',
        kind: 'public',
        changed: ['topic'],
      });
      expect(await store.roomById(r.id)).toMatchObject({
        name: 'before',
        topic: 'new topic',
        lastSeq: 2,
        lastActivityAt: at,
      });
      // Made private: the entry says so, and it leaves the public listing.
      const hidden = await store.updateRoom(r.id, { kind: 'private', actorId: a.id, at: tick() });
      expect(hidden).toMatchObject({
        type: 'room.updated',
        seq: 3,
        kind: 'private',
        changed: ['kind'],
      });
      // Setting what is there already changes nothing, and says so.
      const same = await store.updateRoom(r.id, { name: 'before', actorId: a.id, at: tick() });
      expect(same).toMatchObject({ type: 'room.updated', seq: 4, changed: [] });
      expect((await store.roomById(r.id))?.kind).toBe('private');
      expect((await store.publicRooms('before', 10)).map((x) => x.id)).toEqual([]);
    });
  });

  describe('messages', () => {
    it('appendMessage assigns seq = previous + 1 and refuses a non-member', async () => {
      const [a, b, outsider] = [await user('a'), await user('b'), await user('o')];
      const { room: r } = await room('private', [a.id, b.id]);
      const first = await send(r.id, a.id, 'one', 'c-one');
      expect(first).toEqual({
        id: first.id,
        roomId: r.id,
        seq: 3,
        authorId: a.id,
        clientMsgId: 'c-one',
        body: 'one',
        createdAt: now(),
        editedAt: null,
        deletedAt: null,
      });
      expect((await send(r.id, b.id, 'two')).seq).toBe(4);
      expect((await send(r.id, a.id, 'three')).seq).toBe(5);
      const refused = await store.appendMessage({
        id: nextId('m'),
        roomId: r.id,
        authorId: outsider.id,
        clientMsgId: 'x',
        body: 'let me in',
        at: tick(),
      });
      expect(refused).toEqual({ status: 'not-member' });
      expect(await store.roomById(r.id)).toMatchObject({ lastSeq: 5 });
      const [created] = (await store.eventsAfter(r.id, 2, 1)).events;
      expect(created).toEqual({
        type: 'message.created',
        roomId: r.id,
        seq: 3,
        actorId: a.id,
        at: first.createdAt,
        message: first,
      });
    });

    it('a repeated clientMsgId returns the first message and takes no seq', async () => {
      const [a, b] = [await user('a'), await user('b')];
      const { room: r } = await room('private', [a.id, b.id]);
      const first = await send(r.id, a.id, 'original', 'retry-me');
      const again = await store.appendMessage({
        id: nextId('m'),
        roomId: r.id,
        authorId: a.id,
        clientMsgId: 'retry-me',
        body: 'a different body',
        at: tick(),
      });
      expect(again).toEqual({ status: 'duplicate', message: first });
      // The key is per author: another author may use the same one.
      const bobs = await send(r.id, b.id, 'mine', 'retry-me');
      expect(bobs.seq).toBe(first.seq + 1);
      expect((await store.history(r.id, { limit: 10 })).messages).toEqual([first, bobs]);
      expect((await store.roomById(r.id))?.lastSeq).toBe(bobs.seq);
    });

    // Sends made in one turn of the event loop (or while a commit runs) are committed together.
    it('sends committed together: per-room seqs in call order, each answered as alone', async () => {
      const [a, b, outsider] = [await user('a'), await user('b'), await user('o')];
      const { room: r1 } = await room('private', [a.id, b.id]);
      const { room: r2 } = await room('private', [a.id]);
      const before = await send(r1.id, b.id, 'already here', 'taken');
      const append = (roomId: string, authorId: string, clientMsgId: string, body = clientMsgId) =>
        store.appendMessage({ id: nextId('m'), roomId, authorId, clientMsgId, body, at: tick() });
      const calls = [
        append(r1.id, a.id, 'opener'),
        append(r1.id, a.id, 'k1'),
        append(r2.id, a.id, 'k2'),
        append(r1.id, b.id, 'k3'),
        append(r1.id, outsider.id, 'k4'), // not a member
        append(r1.id, a.id, 'k1', 'same key again'), // repeats k1 within the batch
        append(r1.id, b.id, 'taken'), // repeats a committed message
        append(r2.id, b.id, 'k5'), // b is not in r2
        append(r2.id, a.id, 'k6'),
        ...Array.from({ length: 40 }, (_, i) => append(r1.id, i % 2 ? a.id : b.id, `bulk${i}`)),
      ];
      const from = statements.length;
      const results = await Promise.all(calls);
      // One commit took every seq, moving both rooms in one statement. On PostgreSQL that
      // statement is the whole batch, its own transaction.
      const batch = statements.slice(from);
      const seqUpdates = batch.filter((sql) => /\bupdate rooms\b/i.test(sql));
      expect(seqUpdates).toHaveLength(1);
      const commits = batch.filter((sql) => /^commit/i.test(sql));
      if (store.dialect === 'postgres') {
        expect(batch).toHaveLength(1);
        expect(commits).toHaveLength(0);
      } else {
        expect(commits).toHaveLength(1);
      }
      const created = (i: number) => {
        const result = results[i];
        if (result?.status !== 'created') throw new Error(`call ${i}: ${result?.status}`);
        return result.message;
      };
      const base = before.seq;
      expect([0, 1, 3].map((i) => created(i).seq)).toEqual([base + 1, base + 2, base + 3]);
      expect([2, 8].map((i) => created(i).seq)).toEqual([2, 3]); // r2: after a's member.joined
      expect(results[4]).toEqual({ status: 'not-member' });
      expect(results[5]).toEqual({ status: 'duplicate', message: created(1) });
      expect(results[6]).toEqual({ status: 'duplicate', message: before });
      expect(results[7]).toEqual({ status: 'not-member' });
      const bulk = results.slice(9).map((_, i) => created(9 + i).seq);
      expect(bulk).toEqual(Array.from({ length: 40 }, (_, i) => base + 4 + i));
      expect(created(1)).toMatchObject({ roomId: r1.id, authorId: a.id, body: 'k1' });

      // The log and the messages agree with the answers, with no gap and nothing extra.
      const r1Log = (await store.eventsAfter(r1.id, base, 100)).events;
      expect(r1Log.map((e) => e.seq)).toEqual(Array.from({ length: 43 }, (_, i) => base + 1 + i));
      const [first] = r1Log;
      expect(first).toEqual({
        type: 'message.created',
        roomId: r1.id,
        seq: base + 1,
        actorId: a.id,
        at: created(0).createdAt,
        message: created(0),
      });
      expect(await store.roomById(r1.id)).toMatchObject({ lastSeq: base + 43 });
      expect(await store.roomById(r2.id)).toMatchObject({ lastSeq: 3 });
      const history = (await store.history(r1.id, { limit: 100 })).messages;
      expect(history.map((m) => m.clientMsgId)).toEqual([
        'taken',
        'opener',
        'k1',
        'k3',
        ...Array.from({ length: 40 }, (_, i) => `bulk${i}`),
      ]);
    });

    it('a batch that fails is retried send by send: only the bad send fails', async () => {
      const [a, b] = [await user('a'), await user('b')];
      const { room: r } = await room('private', [a.id, b.id]);
      const existing = await send(r.id, a.id, 'first');
      const append = (id: string, clientMsgId: string) =>
        store.appendMessage({
          id,
          roomId: r.id,
          authorId: b.id,
          clientMsgId,
          body: clientMsgId,
          at: tick(),
        });
      const calls = [
        append(nextId('m'), 'opener'),
        append(nextId('m'), 'good1'),
        append(existing.id, 'clashes'), // a message id already taken: its insert fails
        append(nextId('m'), 'good2'),
      ];
      const settled = await Promise.allSettled(calls);
      expect(settled.map((s) => s.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      const seqs = settled.map((s) =>
        s.status === 'fulfilled' && s.value.status === 'created' ? s.value.message.seq : null,
      );
      expect(seqs).toEqual([existing.seq + 1, existing.seq + 2, null, existing.seq + 3]);
      expect((await log(r.id)).map((e) => e.seq).slice(-4)).toEqual([
        existing.seq,
        existing.seq + 1,
        existing.seq + 2,
        existing.seq + 3,
      ]);
      expect(await store.roomById(r.id)).toMatchObject({ lastSeq: existing.seq + 3 });
    });

    it('edit and delete append their own events; delete leaves a tombstone and scrubs the log', async () => {
      const [a, b] = [await user('a'), await user('b')];
      const { room: r } = await room('private', [a.id, b.id]);
      const m = await send(r.id, a.id, 'secret plan');
      const editedAt = tick();
      const edit = await store.editMessage({
        roomId: r.id,
        messageId: m.id,
        authorId: a.id,
        body: 'secret plan v2',
        at: editedAt,
      });
      expect(edit).toEqual({
        status: 'changed',
        event: {
          type: 'message.edited',
          roomId: r.id,
          seq: m.seq + 1,
          actorId: a.id,
          at: editedAt,
          messageId: m.id,
          body: 'secret plan v2',
        },
      });
      expect((await store.history(r.id, { limit: 10 })).messages).toEqual([
        { ...m, body: 'secret plan v2', editedAt },
      ]);

      expect(
        await store.editMessage({
          roomId: r.id,
          messageId: m.id,
          authorId: b.id,
          body: 'hijack',
          at: tick(),
        }),
      ).toEqual({ status: 'not-author' });
      expect(
        await store.deleteMessage({ roomId: r.id, messageId: m.id, authorId: b.id, at: tick() }),
      ).toEqual({ status: 'not-author' });
      expect(
        await store.editMessage({
          roomId: r.id,
          messageId: 'missing',
          authorId: a.id,
          body: 'x',
          at: tick(),
        }),
      ).toEqual({ status: 'not-found' });

      // Read (and decoded) before the scrub: the entries read after it must not be those.
      expect((await log(r.id)).some((e) => e.type === 'message.edited')).toBe(true);
      const deletedAt = tick();
      const deletion = await store.deleteMessage({
        roomId: r.id,
        messageId: m.id,
        authorId: a.id,
        at: deletedAt,
      });
      expect(deletion).toEqual({
        status: 'changed',
        event: {
          type: 'message.deleted',
          roomId: r.id,
          seq: m.seq + 2,
          actorId: a.id,
          at: deletedAt,
          messageId: m.id,
        },
      });
      const tombstone: Message = { ...m, body: '', editedAt, deletedAt };
      // The room's first entries (its creation, the joins) come with the page as notices.
      const joins = (await log(r.id)).slice(0, 2);
      expect(joins.map((e) => e.type)).toEqual(['member.joined', 'member.joined']);
      expect(await store.history(r.id, { limit: 10 })).toEqual({
        messages: [tombstone],
        hasMore: false,
        notices: joins,
      });
      // The body is gone from every log entry that carried it; the entries and seqs stay.
      const entries = (await log(r.id)).slice(2);
      expect(entries).toEqual([
        {
          type: 'message.created',
          roomId: r.id,
          seq: m.seq,
          actorId: a.id,
          at: m.createdAt,
          message: { ...m, body: '', deletedAt },
        },
        { ...(edit.status === 'changed' ? edit.event : {}), body: '' },
        deletion.status === 'changed' ? deletion.event : undefined,
      ]);
      expect(JSON.stringify(await log(r.id))).not.toContain('secret');

      // A deleted message cannot be edited or deleted again, and nothing is appended.
      expect(
        await store.editMessage({
          roomId: r.id,
          messageId: m.id,
          authorId: a.id,
          body: 'back',
          at: tick(),
        }),
      ).toEqual({ status: 'deleted' });
      expect(
        await store.deleteMessage({ roomId: r.id, messageId: m.id, authorId: a.id, at: tick() }),
      ).toEqual({ status: 'deleted' });
      expect((await store.roomById(r.id))?.lastSeq).toBe(m.seq + 2);
    });

    it('a message is edited or deleted only within its own room', async () => {
      const a = await user('a');
      const { room: r1 } = await room('private', [a.id]);
      const { room: r2 } = await room('private', [a.id]);
      const m = await send(r1.id, a.id, 'here');
      expect(
        await store.editMessage({
          roomId: r2.id,
          messageId: m.id,
          authorId: a.id,
          body: 'x',
          at: tick(),
        }),
      ).toEqual({ status: 'not-found' });
      expect(
        await store.deleteMessage({ roomId: r2.id, messageId: m.id, authorId: a.id, at: tick() }),
      ).toEqual({ status: 'not-found' });
      expect((await store.roomById(r2.id))?.lastSeq).toBe(1);
    });

    it('history pages backwards from the newest, oldest first within a page', async () => {
      const a = await user('a');
      const { room: r } = await room('private', [a.id]);
      // The creator's join (seq 1) comes with the page that reaches the start of the log.
      const [created] = await log(r.id);
      expect(await store.history(r.id, { limit: 3 })).toEqual({
        messages: [],
        hasMore: false,
        notices: [created],
      });
      const sent: Message[] = [];
      for (let i = 1; i <= 7; i++) sent.push(await send(r.id, a.id, `m${i}`));
      // seqs 2..8 (seq 1 is the creator's join).
      expect(sent.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6, 7, 8]);

      const page1 = await store.history(r.id, { limit: 3 });
      expect(page1.messages.map((m) => m.body)).toEqual(['m5', 'm6', 'm7']);
      expect(page1.hasMore).toBe(true);
      expect(page1.notices).toEqual([]);
      const page2 = await store.history(r.id, { beforeSeq: 6, limit: 3 });
      expect(page2.messages.map((m) => m.body)).toEqual(['m2', 'm3', 'm4']);
      expect(page2.hasMore).toBe(true);
      const page3 = await store.history(r.id, { beforeSeq: 3, limit: 3 });
      expect(page3).toEqual({ messages: [sent[0]], hasMore: false, notices: [created] });
      // A page that ends exactly at the oldest message has nothing more.
      expect(await store.history(r.id, { beforeSeq: 5, limit: 3 })).toEqual({
        messages: sent.slice(0, 3),
        hasMore: false,
        notices: [created],
      });
      expect(await store.history(r.id, { limit: 7 })).toEqual({
        messages: sent,
        hasMore: false,
        notices: [created],
      });
      expect(await store.history(r.id, { beforeSeq: 2, limit: 3 })).toEqual({
        messages: [],
        hasMore: false,
        notices: [created],
      });
    });

    it('eventsAfter pages forwards through the log', async () => {
      const a = await user('a');
      const { room: r } = await room('private', [a.id]);
      for (let i = 1; i <= 5; i++) await send(r.id, a.id, `m${i}`);
      const first = await store.eventsAfter(r.id, 0, 4);
      expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(first.hasMore).toBe(true);
      const second = await store.eventsAfter(r.id, 4, 4);
      expect(second.events.map((e) => e.seq)).toEqual([5, 6]);
      expect(second.hasMore).toBe(false);
      expect(await store.eventsAfter(r.id, 2, 4)).toMatchObject({ hasMore: false });
      expect(await store.eventsAfter(r.id, 6, 4)).toEqual({ events: [], hasMore: false });
      expect(await store.eventsAfter('no-such-room', 0, 4)).toEqual({
        events: [],
        hasMore: false,
      });
    });

    it('eventsAfter asked by many at once runs one query; one asked after a send sees it', async () => {
      const a = await user('a');
      const { room: r } = await room('private', [a.id]);
      await send(r.id, a.id, 'm1');
      const reads = () => statements.filter((s) => s.includes('"payload" from "events"')).length;
      const before = reads();
      const pages = await Promise.all(
        Array.from({ length: 10 }, () => store.eventsAfter(r.id, 0, 500)),
      );
      expect(reads() - before).toBe(1);
      for (const page of pages)
        expect(page.events.map((e) => [e.seq, e.type])).toEqual([
          [1, 'member.joined'],
          [2, 'message.created'],
        ]);
      await send(r.id, a.id, 'm2');
      expect((await store.eventsAfter(r.id, 0, 500)).events.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(reads() - before).toBe(2);
    });
  });

  describe('read markers and my rooms', () => {
    it('markRead only moves forward and stops at the last seq', async () => {
      const [a, b] = [await user('a'), await user('b')];
      const { room: r } = await room('private', [a.id, b.id]);
      for (let i = 0; i < 4; i++) await send(r.id, a.id, `m${i}`);
      // lastSeq is 6.
      expect(await store.markRead(r.id, b.id, 4)).toBe(4);
      expect(await store.markRead(r.id, b.id, 3)).toBe(4);
      expect(await store.markRead(r.id, b.id, 0)).toBe(4);
      expect(await store.markRead(r.id, b.id, 1_000_000)).toBe(6);
      expect((await store.membership(r.id, b.id))?.lastReadSeq).toBe(6);
      expect(await store.markRead(r.id, b.id, 5)).toBe(6);
      // Another member's marker is untouched.
      expect((await store.membership(r.id, a.id))?.lastReadSeq).toBe(0);
    });

    it('roomsOf counts unread messages of others, shows the last message and the DM peer, newest activity first', async () => {
      const [me, bob, carol] = [await user('me'), await user('bob'), await user('carol')];
      const { room: quiet } = await room('public', [me.id], 'quiet');
      const { room: busy } = await room('private', [bob.id, me.id], 'busy');
      const key = [me.id, carol.id].sort().join(':');
      const { room: dm } = await room('direct', [carol.id, me.id], '', key);

      const b1 = await send(busy.id, bob.id, 'b1');
      await send(busy.id, me.id, 'mine');
      const b2 = await send(busy.id, bob.id, 'b2');
      const b3 = await send(busy.id, bob.id, 'b3');
      await store.markRead(busy.id, me.id, b1.seq);
      // Deleted messages are not unread, and are not the last message.
      await store.deleteMessage({
        roomId: busy.id,
        messageId: b3.id,
        authorId: bob.id,
        at: tick(),
      });
      const c1 = await send(dm.id, carol.id, 'hi me');
      const busyAfter = await store.roomById(busy.id);
      const dmAfter = await store.roomById(dm.id);

      const summaries = await store.roomsOf(me.id);
      expect(summaries).toEqual([
        {
          room: dmAfter,
          role: 'member',
          lastReadSeq: 0,
          unreadCount: 1,
          lastMessage: c1,
          peer: carol,
        },
        {
          room: busyAfter,
          role: 'member',
          lastReadSeq: b1.seq,
          unreadCount: 1,
          lastMessage: b2,
          peer: null,
        },
        {
          room: quiet,
          role: 'owner',
          lastReadSeq: 0,
          unreadCount: 0,
          lastMessage: null,
          peer: null,
        },
      ]);

      // New activity in the quiet room moves it to the top.
      const mine = await send(quiet.id, me.id, 'talking to myself');
      const again = await store.roomsOf(me.id);
      expect(again.map((s) => s.room.id)).toEqual([quiet.id, dm.id, busy.id]);
      expect(again[0]).toMatchObject({ unreadCount: 0, lastMessage: mine });
      expect((await store.roomsOf(carol.id))[0]).toMatchObject({ peer: me, unreadCount: 0 });
      expect(new Set(await store.roomIdsOf(me.id))).toEqual(new Set([quiet.id, busy.id, dm.id]));
    });
  });

  describe('public rooms', () => {
    it('searches names case-insensitively, with % and _ taken literally', async () => {
      const a = await user('a');
      const tag = nextId('q');
      const names = [`${tag} Rust Lovers`, `${tag} 100% TRUST`, `${tag} a_b`, `${tag} axb`];
      const rooms = new Map<string, string>();
      for (const name of names) rooms.set(name, (await room('public', [a.id], name)).room.id);
      await room('private', [a.id], `${tag} secret rust`);
      const search = async (query: string) =>
        (await store.publicRooms(query, 100)).map((r) => r.name).sort();

      expect(await search(`${tag} rust`)).toEqual([`${tag} Rust Lovers`]);
      expect(await search('RUST')).toEqual([`${tag} 100% TRUST`, `${tag} Rust Lovers`]);
      expect(await search('0%')).toEqual([`${tag} 100% TRUST`]);
      expect(await search('%')).toEqual([`${tag} 100% TRUST`]);
      expect(await search('a_b')).toEqual([`${tag} a_b`]);
      expect(await search('_')).toEqual([`${tag} a_b`]);
      expect(await search(`${tag}\\`)).toEqual([]);
      // Case folding is Unicode-aware on both engines, not ASCII-only.
      const ecole = (await room('public', [a.id], `${tag} ÉCOLE d'été`)).room;
      expect((await store.publicRooms(`${tag} école`, 100)).map((r) => r.id)).toEqual([ecole.id]);
      expect((await store.publicRooms('ÉTÉ', 100)).map((r) => r.id)).toEqual([ecole.id]);
      expect(await search('no such room')).toEqual([]);
      // Without a query: every public room, newest activity first, up to the limit.
      const all = await store.publicRooms(undefined, 100);
      expect(all.every((r) => r.kind === 'public')).toBe(true);
      expect(all.slice(1, 5).map((r) => r.name)).toEqual([...names].reverse());
      expect(await store.publicRooms(undefined, 2)).toEqual(all.slice(0, 2));
    });
  });
});

describe('Kysely store on postgres, when the server ends its connections', () => {
  it('keeps serving (regression: an idle connection ended by the server crashed the process)', async () => {
    const db = await postgresDatabase();
    const store = await createStoreFromUrl(db.url);
    try {
      // Open several pooled connections, now idle.
      await Promise.all([1, 2, 3].map((i) => store.userById(`u${i}`)));
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      const { rows } = await admin.query<{ ended: boolean }>(
        // Waits (up to 5 s) until each backend has exited, as a restart or failover would.
        'SELECT pg_terminate_backend(pid, 5000) AS ended FROM pg_stat_activity WHERE datname = $1',
        [new URL(db.url).pathname.slice(1)],
      );
      await admin.end();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.ended)).toBe(true);
      // Without a pool error listener the process would have died with an unhandled 'error'.
      expect(
        await store.createUser({
          id: 'u1',
          username: 'after',
          displayName: 'x',
          createdAt: 1,
          passwordHash: 'h',
        }),
      ).toBe('created');
      expect(await store.userById('u1')).toMatchObject({ username: 'after' });
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it('hears a connection ended while checked out (regression: PostgreSQL stopped under a test crashed the run)', async () => {
    const db = await postgresDatabase();
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const logs = captureLogs('info');
    hearConnectionLoss(pool, () => logs.logger);
    try {
      // Checked out and between queries, as Kysely holds one across a transaction's awaits.
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1, 5000)', [rows[0]?.pid]);
      await admin.end();
      // Unheard, this 'error' would have ended the test process.
      const lost = await logs.waitFor(
        (l) => l.msg === 'PostgreSQL ended a connection; the pool replaces it',
      );
      expect(JSON.stringify(lost.err)).toContain('57P01');
      // Its holder's next query fails to it; given back, the pool drops it for a new one.
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
