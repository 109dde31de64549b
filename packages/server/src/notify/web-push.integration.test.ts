import type { PushNotificationPayload } from '@confab/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { connect, signUp, startServer } from '../__tests__/server.js';
import {
  API_KEY,
  connectWithApiKey,
  openStream,
  refusal,
  secondDevice,
} from './__tests__/fixtures.js';
import { startPushService } from './__tests__/push-service.js';
import type { NotifyConfig, NotifyLogEntry } from './config.js';
import { roomTopic } from './web-push.js';

const SUBJECT = 'mailto:ops@confab.test';

type User = Awaited<ReturnType<typeof signUp>>;

describe('Web Push to members with no live connection', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** A server over a fresh SQLite file, a test push service, and a collected log. */
  async function setup(notifications: NotifyConfig = {}, db: TestDatabase = sqliteDatabase()) {
    const pushService = await startPushService();
    const logs: NotifyLogEntry[] = [];
    const server = await startServer(db.url, {
      apiKeys: [API_KEY],
      notifications: {
        allowInsecurePushEndpoints: true,
        pushCollapseMs: 600,
        vapidSubject: SUBJECT,
        log: (entry) => logs.push(entry),
        ...notifications,
      },
    });
    let closing: Promise<void> | undefined;
    const closeServer = () => {
      closing ??= server.close();
      return closing;
    };
    cleanup.push(
      () => db.drop(),
      () => pushService.close(),
      closeServer,
    );
    const users = <const Names extends string[]>(...names: Names) =>
      Promise.all(
        names.map(async (name) => {
          const user = await signUp(server.url, name);
          cleanup.push(() => user.close());
          return user;
        }),
      ) as Promise<{ [K in keyof Names]: User }>;
    const { notify } = server.server.services;
    return { db, server, pushService, logs, users, notify, closeServer };
  }

  /** A private room of `owner` with the others invited. */
  async function roomOf(owner: User, others: User[], name = 'team') {
    const room = await owner.api.room.create.mutate({ kind: 'private', name });
    for (const other of others)
      await owner.api.room.invite.mutate({ roomId: room.id, username: other.username });
    return room;
  }

  function payload(
    room: { id: string; name: string },
    count: number,
    last: { id: string; seq: number; createdAt: number },
    author: string,
    bodyPreview: string,
  ): PushNotificationPayload {
    return {
      type: 'room.messages',
      tag: `room:${room.id}`,
      roomId: room.id,
      roomName: room.name,
      roomKind: 'private',
      count,
      lastMessage: { ...last, authorDisplayName: author, bodyPreview },
    };
  }

  it('a burst of 5 messages to an offline member makes ONE push with count 5, on each of their devices, and none to the sender', async () => {
    const { server, pushService, users, notify } = await setup({ pushCollapseMs: 1500 });
    const [alice, bob] = await users('alice', 'bob');
    const room = await roomOf(alice, [bob]);
    const bobPhone = await secondDevice(server.url, bob.username, 'phone');
    cleanup.push(() => bobPhone.close());
    await bob.api.notifications.subscribePush.mutate(pushService.subscribe('bob-laptop'));
    await bobPhone.api.notifications.subscribePush.mutate(pushService.subscribe('bob-phone'));
    await alice.api.notifications.subscribePush.mutate(pushService.subscribe('alice'));

    const long = `${'x'.repeat(150)} the end`;
    const bodies = ['one', 'two', 'three', 'four', long];
    // Sent at once, so the burst surely falls in one window on a slow machine too.
    const sent = await Promise.all(
      bodies.map((body, i) =>
        alice.api.message.send.mutate({ roomId: room.id, clientMsgId: `burst-${i}`, body }),
      ),
    );
    await notify.settled();

    const newest = sent.reduce((a, b) => (b.seq > a.seq ? b : a));
    const newestBody = bodies[sent.indexOf(newest)] ?? '';
    const preview = newestBody === long ? `${'x'.repeat(139)}…` : newestBody;
    const expected = payload(room, 5, newest, 'alice', preview);
    expect(pushService.problems).toEqual([]);
    expect(pushService.payloadsOf('bob-laptop')).toEqual([expected]);
    expect(pushService.payloadsOf('bob-phone')).toEqual([expected]);
    expect(pushService.payloadsOf('alice')).toEqual([]);
    expect(pushService.received).toHaveLength(2);

    const { publicKey } = await bob.api.notifications.vapidPublicKey.query();
    expect(publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    const nowSec = Date.now() / 1000;
    for (const push of pushService.received) {
      expect(push.headers).toEqual({
        ttl: '86400',
        topic: roomTopic(room.id),
        urgency: 'normal',
        contentEncoding: 'aes128gcm',
      });
      expect(push.vapid).toMatchObject({ aud: pushService.origin, sub: SUBJECT, publicKey });
      expect(push.vapid.exp).toBeGreaterThan(nowSec);
      expect(push.vapid.exp).toBeLessThanOrEqual(nowSec + 24 * 3600);
    }
    expect(notify.metrics().push).toEqual({
      scheduled: 1,
      collapsed: 4,
      sent: 2,
      failed: 0,
      gone: 0,
      dropped: 0,
    });
  });

  it("messages in several rooms sent at once notify each room's own offline members, once each", async () => {
    const { pushService, users, notify } = await setup({ pushCollapseMs: 300 });
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const rooms = [
      await roomOf(alice, [bob], 'with-bob'),
      await roomOf(alice, [carol], 'with-carol'),
      await roomOf(bob, [carol], 'bob-and-carol'),
    ];
    await bob.api.notifications.subscribePush.mutate(pushService.subscribe('bob'));
    await carol.api.notifications.subscribePush.mutate(pushService.subscribe('carol'));
    // One burst (one group commit, one fan-out): three rooms, two authors.
    const [toBob, toCarol, fromBob] = await Promise.all([
      alice.api.message.send.mutate({
        roomId: rooms[0]?.id ?? '',
        clientMsgId: 'a1',
        body: 'hi bob',
      }),
      alice.api.message.send.mutate({
        roomId: rooms[1]?.id ?? '',
        clientMsgId: 'a2',
        body: 'hi carol',
      }),
      bob.api.message.send.mutate({ roomId: rooms[2]?.id ?? '', clientMsgId: 'b1', body: 'hey' }),
    ]);
    await notify.settled();
    const [withBob, withCarol, bobAndCarol] = rooms;
    if (!withBob || !withCarol || !bobAndCarol) throw new Error('unreachable');
    expect(pushService.problems).toEqual([]);
    expect(pushService.payloadsOf('bob')).toEqual([payload(withBob, 1, toBob, 'alice', 'hi bob')]);
    const roomNameOf = (p: unknown) => (p as PushNotificationPayload).roomName;
    expect(
      pushService.payloadsOf('carol').sort((a, b) => roomNameOf(a).localeCompare(roomNameOf(b))),
    ).toEqual([
      payload(bobAndCarol, 1, fromBob, 'bob', 'hey'),
      payload(withCarol, 1, toCarol, 'alice', 'hi carol'),
    ]);
  });

  it('a connected member gets no push, nor one who muted the room; unmuted, the count is their unread', async () => {
    const { pushService, users, notify } = await setup();
    const [alice, carol, dave, erin] = await users('alice', 'carol', 'dave', 'erin');
    const room = await roomOf(alice, [carol, dave, erin]);
    for (const [user, name] of [
      [carol, 'carol'],
      [dave, 'dave'],
      [erin, 'erin'],
    ] as const) {
      await user.api.notifications.subscribePush.mutate(pushService.subscribe(name));
    }
    const carolStream = await openStream(carol.api);
    cleanup.push(() => carolStream.close());
    expect(
      await dave.api.notifications.setRoomMuted.mutate({ roomId: room.id, muted: true }),
    ).toEqual({ roomId: room.id, muted: true });
    expect(await dave.api.notifications.mutedRooms.query()).toEqual({ roomIds: [room.id] });

    const first = await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'm1',
      body: 'standup in 5',
    });
    await notify.settled();
    expect(pushService.problems).toEqual([]);
    expect(pushService.received.map((r) => r.name)).toEqual(['erin']);
    expect(pushService.payloadsOf('erin')).toEqual([
      payload(room, 1, first, 'alice', 'standup in 5'),
    ]);

    await dave.api.notifications.setRoomMuted.mutate({ roomId: room.id, muted: false });
    expect(await dave.api.notifications.mutedRooms.query()).toEqual({ roomIds: [] });
    const second = await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'm2',
      body: 'now!',
    });
    await notify.settled();
    expect(pushService.received.map((r) => r.name).sort()).toEqual(['dave', 'erin', 'erin']);
    // Dave never read the first message either: his notification counts both.
    expect(pushService.payloadsOf('dave')).toEqual([payload(room, 2, second, 'alice', 'now!')]);
    expect(pushService.payloadsOf('erin')[1]).toEqual(payload(room, 2, second, 'alice', 'now!'));
    expect(pushService.payloadsOf('carol')).toEqual([]);
  });

  it('a message posted through the push API notifies too; a direct room is named after its author', async () => {
    const { server, pushService, users, notify } = await setup();
    const [alice, bob] = await users('alice', 'bob');
    const room = await roomOf(alice, [bob], 'ops');
    await bob.api.notifications.subscribePush.mutate(pushService.subscribe('bob'));
    const posted = await connectWithApiKey(server.url).push.message.mutate({
      roomId: room.id,
      asUsername: alice.username,
      clientMsgId: 'app-1',
      body: 'deploy finished',
    });
    const direct = await alice.api.room.openDirect.mutate({ username: bob.username });
    const dm = await alice.api.message.send.mutate({
      roomId: direct.id,
      clientMsgId: 'dm-1',
      body: 'got a minute?',
    });
    await notify.settled();
    expect(pushService.problems).toEqual([]);
    const byTag = (a: unknown, b: unknown) =>
      (a as PushNotificationPayload).tag.localeCompare((b as PushNotificationPayload).tag);
    expect(pushService.payloadsOf('bob').sort(byTag)).toEqual(
      [
        payload(room, 1, posted, 'alice', 'deploy finished'),
        {
          ...payload({ id: direct.id, name: 'alice' }, 1, dm, 'alice', 'got a minute?'),
          roomKind: 'direct' as const,
        },
      ].sort(byTag),
    );
  });

  it.each([404, 410])(
    'a subscription the push service answers %i is removed: the next message sends nothing to it',
    async (status) => {
      const { server, pushService, users, notify, logs } = await setup();
      const [alice, bob] = await users('alice', 'bob');
      const room = await roomOf(alice, [bob]);
      const bobTablet = await secondDevice(server.url, bob.username, 'tablet');
      cleanup.push(() => bobTablet.close());
      const gone = pushService.subscribe('bob-gone', status);
      await bob.api.notifications.subscribePush.mutate(gone);
      await bobTablet.api.notifications.subscribePush.mutate(pushService.subscribe('bob-tablet'));

      await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'a', body: 'first' });
      await notify.settled();
      // Both devices are pushed at once: arrival order is not defined.
      expect(pushService.received.map((r) => [r.name, r.status]).sort()).toEqual([
        ['bob-gone', status],
        ['bob-tablet', 201],
      ]);
      expect(logs.filter((l) => l.event === 'push.gone')).toMatchObject([
        { event: 'push.gone', userId: bob.user.id, status, origin: pushService.origin },
      ]);

      await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'b', body: 'second' });
      await notify.settled();
      expect(pushService.received.slice(2).map((r) => r.name)).toEqual(['bob-tablet']);
      expect(notify.metrics().push).toMatchObject({ sent: 2, gone: 1, failed: 0 });
      // It is gone for good: there is nothing left to unsubscribe.
      expect(
        await bob.api.notifications.unsubscribePush.mutate({ endpoint: gone.endpoint }),
      ).toEqual({ removed: false });
    },
  );

  it('VAPID keys are made on first start and kept across a restart on the same SQLite file', async () => {
    const db = sqliteDatabase();
    const first = await setup({}, db);
    const [alice, bob] = await first.users('alice', 'bob');
    const room = await roomOf(alice, [bob]);
    const before = await bob.api.notifications.vapidPublicKey.query();
    await bob.api.notifications.subscribePush.mutate(first.pushService.subscribe('bob'));
    await first.closeServer();

    // Same file, new process state: the sessions, the subscription and the keys are still there.
    const second = await startServer(db.url, {
      notifications: { allowInsecurePushEndpoints: true, pushCollapseMs: 600, log: () => {} },
    });
    cleanup.push(() => second.close());
    const aliceAgain = connect(second.url, alice.token);
    const bobAgain = connect(second.url, bob.token);
    cleanup.push(
      () => aliceAgain.close(),
      () => bobAgain.close(),
    );
    expect(await bobAgain.api.notifications.vapidPublicKey.query()).toEqual(before);
    await aliceAgain.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'after-restart',
      body: 'still here',
    });
    await second.server.services.notify.settled();
    expect(first.pushService.problems).toEqual([]);
    expect(first.pushService.received.map((r) => [r.name, r.vapid.publicKey])).toEqual([
      ['bob', before.publicKey],
    ]);
  });

  it('a collapse window open at shutdown stays in the outbox: the next start on the same file sends its push, once', async () => {
    const db = sqliteDatabase();
    const first = await setup({ pushCollapseMs: 1_000 }, db);
    const [alice, bob] = await first.users('alice', 'bob');
    const room = await roomOf(alice, [bob]);
    await bob.api.notifications.subscribePush.mutate(first.pushService.subscribe('bob'));
    const sent = await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'w',
      body: 'while you were out',
    });
    await first.closeServer();
    expect(first.pushService.received).toEqual([]);
    expect(first.notify.metrics().push).toMatchObject({ scheduled: 1, sent: 0 });

    const second = await startServer(db.url, {
      notifications: { allowInsecurePushEndpoints: true, log: () => {} },
    });
    cleanup.push(() => second.close());
    await second.server.services.notify.settled();
    expect(first.pushService.problems).toEqual([]);
    expect(first.pushService.payloadsOf('bob')).toEqual([
      payload(room, 1, sent, 'alice', 'while you were out'),
    ]);
    expect(second.server.services.notify.metrics().push).toMatchObject({ scheduled: 0, sent: 1 });
  });

  it('subscribePush refuses what a browser would not send, and stores nothing', async () => {
    const strict = await setup({ allowInsecurePushEndpoints: false });
    const lenient = await setup();
    const [bob] = await strict.users('bob');
    const [ben] = await lenient.users('ben');
    const good = strict.pushService.subscribe('bob');
    const cases: [User, typeof good, string][] = [
      [bob, good, 'endpoint must be an https URL'],
      [
        bob,
        { ...good, endpoint: 'https://10.1.2.3/push/x' },
        'endpoint must be a public push service',
      ],
      [
        bob,
        { ...good, endpoint: 'https://localhost/push/x' },
        'endpoint must be a public push service',
      ],
      // Reserved ranges the first check missed, and other spellings of loopback.
      ...[
        'https://[::ffff:127.0.0.1]/push/x',
        'https://[64:ff9b::a00:1]/push/x',
        'https://198.18.0.1/push/x',
        'https://240.0.0.1/push/x',
        'https://[2001:db8::1]/push/x',
        'https://[fec0::1]/push/x',
        'https://0x7f000001/push/x',
        'https://push.localhost/push/x',
      ].map((endpoint): [User, typeof good, string] => [
        bob,
        { ...good, endpoint },
        'endpoint must be a public push service',
      ]),
      [
        ben,
        { ...good, endpoint: 'http://push.example.com/x' },
        'endpoint must be an https URL (http only on 127.0.0.1 or localhost)',
      ],
      [
        ben,
        { ...good, endpoint: 'ftp://127.0.0.1/x' },
        'endpoint: endpoint must be an http(s) URL',
      ],
      [
        ben,
        { ...good, endpoint: `https://push.example.com/${'a'.repeat(2048)}` },
        'endpoint: endpoint can have at most 2048 characters',
      ],
      [
        ben,
        { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(1) } },
        'keys.p256dh: keys.p256dh must be a 65-byte P-256 public key in base64url',
      ],
      [
        ben,
        { ...good, keys: { ...good.keys, p256dh: `B${'A'.repeat(86)}` } },
        'keys.p256dh is not a P-256 public key',
      ],
      [
        ben,
        { ...good, keys: { ...good.keys, auth: `${good.keys.auth}AAAA` } },
        'keys.auth: keys.auth must be a 16-byte secret in base64url',
      ],
    ];
    for (const [user, input, message] of cases) {
      expect(await refusal(user.api.notifications.subscribePush.mutate(input))).toEqual({
        appCode: 'VALIDATION',
        message,
      });
    }
    for (const [server, user] of [
      [strict.server, bob],
      [lenient.server, ben],
    ] as const) {
      expect(await server.server.services.store.pushSubscriptionsOf([user.user.id], 0)).toEqual([]);
    }
  });
});
