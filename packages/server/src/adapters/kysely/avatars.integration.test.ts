import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { openStore, testClock } from '../../__tests__/store.js';
import type { Store } from '../../ports/store.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe.each(ENGINES)('avatars in the Kysely store on $name', ({ create }) => {
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

  async function user(): Promise<string> {
    const id = nextId('u');
    await store.createUser({
      id,
      username: `user_${id}`,
      displayName: `User ${id}`,
      createdAt: tick(),
      passwordHash: 'x',
    });
    return id;
  }

  it('stores the image bytes as given and reads them back with their version', async () => {
    const id = await user();
    const at = tick();
    // Every byte value, zero included: a blob, not text.
    const image = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(await store.putAvatar(id, { image, contentType: 'image/webp', at })).toBe(at);
    const stored = await store.avatarOf(id);
    expect(stored?.contentType).toBe('image/webp');
    expect(stored?.version).toBe(at);
    expect(Buffer.from(stored?.image ?? []).equals(Buffer.from(image))).toBe(true);
  });

  it('a user without one has none, and no avatarVersion', async () => {
    const id = await user();
    expect(await store.avatarOf(id)).toBeUndefined();
    expect(await store.userById(id)).not.toHaveProperty('avatarVersion');
  });

  it('a new upload replaces the old one under a greater version, even in the same millisecond', async () => {
    const id = await user();
    const at = tick();
    const first = await store.putAvatar(id, { image: bytes(1), contentType: 'image/webp', at });
    const second = await store.putAvatar(id, { image: bytes(2), contentType: 'image/webp', at });
    expect(second).toBe(first + 1);
    const stored = await store.avatarOf(id);
    expect([...(stored?.image ?? [])]).toEqual([2]);
    expect(stored?.version).toBe(second);
    expect((await store.userById(id))?.avatarVersion).toBe(second);
  });

  it('the version reaches every read of the user: by id, by name, members, people, sessions, peers', async () => {
    const [owner, other] = [await user(), await user()];
    const version = await store.putAvatar(owner, {
      image: bytes(7),
      contentType: 'image/webp',
      at: tick(),
    });
    expect((await store.userById(owner))?.avatarVersion).toBe(version);
    expect((await store.userByUsername(`user_${owner}`))?.avatarVersion).toBe(version);
    await store.createSession({
      id: nextId('s'),
      userId: owner,
      tokenHash: `hash-${owner}`,
      deviceLabel: 'test',
      createdAt: tick(),
      lastSeenAt: tick(),
      revokedAt: null,
    });
    expect((await store.sessionWithUser(`hash-${owner}`))?.user.avatarVersion).toBe(version);
    const { room } = await store.createRoom(
      { id: nextId('r'), kind: 'private', name: 'room', topic: '', createdAt: tick() },
      [
        { userId: owner, role: 'owner' },
        { userId: other, role: 'member' },
      ],
    );
    const members = await store.members(room.id);
    expect(members.map((m) => [m.userId, m.avatarVersion])).toEqual([
      [owner, version],
      [other, undefined],
    ]);
    expect(members.find((m) => m.userId === other)).not.toHaveProperty('avatarVersion');
    const people = await store.roomPeople(room.id, [owner, other]);
    expect(people.find((p) => p.id === owner)?.avatarVersion).toBe(version);
    const { room: direct } = await store.createRoom(
      {
        id: nextId('r'),
        kind: 'direct',
        name: '',
        topic: '',
        createdAt: tick(),
        directKey: [owner, other].sort().join(':'),
      },
      [
        { userId: owner, role: 'member' },
        { userId: other, role: 'member' },
      ],
    );
    const summaries = await store.roomsOf(other);
    expect(summaries.find((s) => s.room.id === direct.id)?.peer?.avatarVersion).toBe(version);
  });

  it('removing it leaves no image and no avatarVersion; removing again says there was none', async () => {
    const id = await user();
    await store.putAvatar(id, { image: bytes(3), contentType: 'image/webp', at: tick() });
    expect(await store.deleteAvatar(id)).toBe(true);
    expect(await store.avatarOf(id)).toBeUndefined();
    expect(await store.userById(id)).not.toHaveProperty('avatarVersion');
    expect(await store.deleteAvatar(id)).toBe(false);
  });

  it('an upload after a removal is versioned by its own time', async () => {
    const id = await user();
    await store.putAvatar(id, { image: bytes(4), contentType: 'image/webp', at: tick() });
    await store.deleteAvatar(id);
    const later = tick();
    expect(
      await store.putAvatar(id, { image: bytes(5), contentType: 'image/webp', at: later }),
    ).toBe(later);
  });

  it("deleting the account deletes the user's avatar", async () => {
    const id = await user();
    await store.putAvatar(id, { image: bytes(6), contentType: 'image/webp', at: tick() });
    expect(await store.deleteAccount(id, tick())).not.toBe('not-found');
    expect(await store.avatarOf(id)).toBeUndefined();
    expect(await store.userById(id)).not.toHaveProperty('avatarVersion');
  });
});
