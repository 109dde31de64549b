import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { createStoreUser, openStore, testClock } from '../../__tests__/store.js';
import type { Store } from '../../ports/store.js';
import { createStoreFromUrl } from './store.js';

// The notification half of the Store port, on every engine.
describe.each(ENGINES)('notifications store on $name', ({ create }) => {
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

  const user = (name: string) => createStoreUser(store, { tick, nextId }, name);

  async function session(userId: string, lastSeenAt = tick()) {
    const id = nextId('s');
    await store.createSession({
      id,
      userId,
      tokenHash: `hash-${id}`,
      deviceLabel: 'test',
      createdAt: lastSeenAt,
      lastSeenAt,
      revokedAt: null,
    });
    return id;
  }

  async function room(members: string[]) {
    const [owner, ...others] = members;
    if (!owner) throw new Error('a room needs a member');
    const created = await store.createRoom(
      { id: nextId('r'), kind: 'private', name: 'room', topic: '', createdAt: tick() },
      [
        { userId: owner, role: 'owner' },
        ...others.map((userId) => ({ userId, role: 'member' as const })),
      ],
    );
    return created.room.id;
  }

  const keysOf = (n: number) => ({ p256dh: `p256dh-${n}`, auth: `auth-${n}` });

  it('VAPID keys: the first call stores them, racing first calls agree, later ones never generate', async () => {
    let generated = 0;
    const generate = () => {
      generated += 1;
      return { publicKey: `public-${generated}`, privateKey: `private-${generated}` };
    };
    // Another process on the same database races this one.
    const other = await createStoreFromUrl(db.url);
    try {
      const [a, b] = await Promise.all([store.vapidKeys(generate), other.vapidKeys(generate)]);
      expect(a).toEqual(b);
      expect(['public-1', 'public-2']).toContain(a.publicKey);
      expect(a.privateKey).toBe(a.publicKey.replace('public', 'private'));
      const before = generated;
      expect(await store.vapidKeys(generate)).toEqual(a);
      expect(generated).toBe(before);
    } finally {
      await other.close();
    }
  });

  it('push subscriptions: one per session, an endpoint changes hands, revoked and idle sessions are left out', async () => {
    const [ann, ben] = [await user('ann'), await user('ben')];
    const [laptop, phone, old] = [await session(ann), await session(ann), await session(ann, 1)];
    const benSession = await session(ben);
    const sub = (endpoint: string, sessionId: string, userId: string, n: number) => ({
      endpoint,
      userId,
      sessionId,
      ...keysOf(n),
      createdAt: tick(),
    });
    await store.savePushSubscription(sub('https://p/a1', laptop, ann, 1));
    // The laptop subscribes again with a new endpoint: its first one is replaced.
    await store.savePushSubscription(sub('https://p/a2', laptop, ann, 2));
    await store.savePushSubscription(sub('https://p/a3', phone, ann, 3));
    await store.savePushSubscription(sub('https://p/a4', old, ann, 4));
    const activeSince = 1_000;
    expect(
      (await store.pushSubscriptionsOf([ann], activeSince)).map((s) => [s.endpoint, s.sessionId]),
    ).toEqual([
      ['https://p/a2', laptop],
      ['https://p/a3', phone],
    ]);
    expect((await store.pushSubscriptionsOf([ann], 0)).map((s) => s.endpoint)).toContain(
      'https://p/a4',
    );

    // Ben signs in on the phone's browser: the endpoint is his now.
    await store.savePushSubscription(sub('https://p/a3', benSession, ben, 5));
    expect(await store.pushSubscriptionsOf([ben], activeSince)).toEqual([
      { ...sub('https://p/a3', benSession, ben, 5), createdAt: expect.any(Number) },
    ]);
    expect((await store.pushSubscriptionsOf([ann], activeSince)).map((s) => s.endpoint)).toEqual([
      'https://p/a2',
    ]);

    // Revoking the laptop's session silences it.
    expect(await store.revokeSession(ann, laptop, tick())).toBe(true);
    expect(await store.pushSubscriptionsOf([ann], activeSince)).toEqual([]);

    // Only the holder may unsubscribe an endpoint; a gone one is removed by anyone.
    expect(await store.deletePushSubscription('https://p/a3', ann)).toBe(false);
    expect(await store.deletePushSubscription('https://p/a3', ben)).toBe(true);
    expect(await store.deletePushSubscription('https://p/a2')).toBe(true);
    expect(await store.deletePushSubscription('https://p/a2')).toBe(false);
    expect(await store.pushSubscriptionsOf([ann, ben], 0)).toEqual([
      { ...sub('https://p/a4', old, ann, 4), createdAt: expect.any(Number) },
    ]);
  });

  it('mutes, notification targets and unread counts', async () => {
    const [ann, ben, cal] = [await user('ann'), await user('ben'), await user('cal')];
    const roomId = await room([ann, ben, cal]);
    await store.setRoomMuted(roomId, cal, true);
    await store.setRoomMuted(roomId, cal, true); // twice: still one mute
    expect(await store.mutedRoomsOf(cal)).toEqual([roomId]);
    await store.savePushSubscription({
      endpoint: 'https://p/cal',
      userId: cal,
      sessionId: await session(cal),
      ...keysOf(9),
      createdAt: tick(),
    });
    expect(await store.notificationTargets(roomId, ann, 0)).toEqual(
      [
        {
          userId: ben,
          username: `ben_${ben}`,
          displayName: 'ben',
          level: 'all',
          subscribed: false,
        },
        {
          userId: cal,
          username: `cal_${cal}`,
          displayName: 'cal',
          level: 'mentions',
          subscribed: true,
        },
      ].sort((a, b) => a.userId.localeCompare(b.userId)),
    );
    // A subscription of an idle session does not count.
    expect(
      (await store.notificationTargets(roomId, ann, now() + 1)).map((t) => t.subscribed),
    ).toEqual([false, false]);
    // Push targets: subscribed, active, at any level but 'none', with it. Cal muted the room
    // (mentions only), then set it to nothing...
    expect(await store.pushTargets([roomId], 0)).toEqual([
      { roomId, userId: cal, level: 'mentions' },
    ]);
    await store.setRoomLevel(roomId, cal, 'none');
    expect(await store.pushTargets([roomId], 0)).toEqual([]);
    await store.setRoomMuted(roomId, cal, false);
    expect(await store.pushTargets([roomId], 0)).toEqual([{ roomId, userId: cal, level: 'all' }]);
    // ...two subscriptions of one user give one target; idle sessions none.
    await store.savePushSubscription({
      endpoint: 'https://p/cal2',
      userId: cal,
      sessionId: await session(cal),
      ...keysOf(8),
      createdAt: tick(),
    });
    expect(await store.pushTargets([roomId], 0)).toEqual([{ roomId, userId: cal, level: 'all' }]);
    expect(await store.pushTargets([roomId], now() + 1)).toEqual([]);
    // Several rooms at once: each (room, user) once, by room then user; a room where the user
    // muted nothing and one where nobody subscribed.
    const other = await room([ben, cal, ann]);
    const quiet = await room([ann, ben]);
    const both = await store.pushTargets([roomId, other, quiet], 0);
    expect(both).toEqual(
      [
        { roomId, userId: cal, level: 'all' },
        { roomId: other, userId: cal, level: 'all' },
      ].sort((a, b) => a.roomId.localeCompare(b.roomId)),
    );
    expect(await store.pushTargets([], 0)).toEqual([]);
    await store.setRoomMuted(roomId, cal, true);

    const send = (authorId: string, n: number) =>
      store.appendMessage({
        id: nextId('m'),
        roomId,
        authorId,
        clientMsgId: `c${n}`,
        body: `b${n}`,
        at: tick(),
      });
    await send(ann, 1);
    const second = await send(ann, 2);
    await send(ben, 3);
    expect(await store.unreadCount(roomId, ben)).toBe(2);
    expect(await store.unreadCount(roomId, cal)).toBe(3);
    if (second.status !== 'created') throw new Error('not sent');
    await store.markRead(roomId, ben, second.message.seq);
    expect(await store.unreadCount(roomId, ben)).toBe(0);
    expect(await store.unreadCount(roomId, await user('dan'))).toBeUndefined();

    // Leaving hides the mute; unmuting removes it.
    await store.removeMember(roomId, {
      userId: cal,
      actorId: cal,
      at: tick(),
      type: 'member.left',
    });
    expect(await store.mutedRoomsOf(cal)).toEqual([]);
    await store.setRoomMuted(roomId, cal, false);
    await store.addMember(roomId, {
      userId: cal,
      role: 'member',
      via: 'invite',
      actorId: ann,
      at: tick(),
    });
    expect(await store.mutedRoomsOf(cal)).toEqual([]);
  });

  it('webhooks: created up to the limit, listed oldest first, deleted once', async () => {
    const hook = (n: number) => ({
      id: nextId('w'),
      url: `https://hooks.test/${n}`,
      secret: `secret-${n}`,
      createdAt: tick(),
    });
    const [a, b, c] = [hook(1), hook(2), hook(3)];
    expect(await store.createWebhook(a, 2)).toBe('created');
    expect(await store.createWebhook(b, 2)).toBe('created');
    expect(await store.createWebhook(c, 2)).toBe('limit-reached');
    expect(await store.webhooks()).toEqual([a, b]);
    expect(await store.deleteWebhook(a.id)).toBe(true);
    expect(await store.deleteWebhook(a.id)).toBe(false);
    expect(await store.webhooks()).toEqual([b]);
  });
});
