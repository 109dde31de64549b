import type { PushNotificationPayload, WebhookDelivery } from '@confab/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDatabase } from '../__tests__/databases.js';
import { signUp, startServer } from '../__tests__/server.js';
import { API_KEY, connectWithApiKey, refusal } from './__tests__/fixtures.js';
import { startPushService } from './__tests__/push-service.js';
import { startWebhookReceiver } from './__tests__/webhook-receiver.js';

const SECRET = 'whsec-mentions-0123456789';

type User = Awaited<ReturnType<typeof signUp>>;

describe('notification levels and mentions, through Web Push and webhooks', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /**
   * A server with a test push service, and a webhook receiver registered when `withWebhook`
   * (the notifier reads every member per message then; without one, only push subscribers).
   * In a private room of alice: bob muted it (the old mute: 'mentions'), carol chose 'none',
   * dave left it at 'all'. Nobody has a live connection; everyone subscribed to pushes.
   */
  async function setup(withWebhook: boolean) {
    const db = sqliteDatabase();
    const pushService = await startPushService();
    const server = await startServer(db.url, {
      apiKeys: [API_KEY],
      notifications: {
        allowInsecurePushEndpoints: true,
        allowPrivateAddresses: true,
        pushCollapseMs: 200,
        vapidSubject: 'mailto:ops@confab.test',
      },
    });
    cleanup.push(
      () => db.drop(),
      () => pushService.close(),
      () => server.close(),
    );
    const users: User[] = [];
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      const u = await signUp(server.url, name);
      cleanup.push(() => u.close());
      users.push(u);
    }
    const [alice, bob, carol, dave] = users as [User, User, User, User];
    const room = await alice.api.room.create.mutate({ kind: 'private', name: 'crew' });
    for (const u of [bob, carol, dave]) {
      await alice.api.room.invite.mutate({ roomId: room.id, username: u.username });
      await u.api.notifications.subscribePush.mutate(pushService.subscribe(u.user.displayName));
    }
    expect(
      await bob.api.notifications.setRoomMuted.mutate({ roomId: room.id, muted: true }),
    ).toEqual({ roomId: room.id, muted: true });
    expect(
      await carol.api.notifications.setRoomLevel.mutate({ roomId: room.id, level: 'none' }),
    ).toEqual({ roomId: room.id, level: 'none' });
    const receiver = withWebhook ? await startWebhookReceiver(SECRET) : undefined;
    if (receiver) {
      cleanup.push(() => receiver.close());
      await connectWithApiKey(server.url).notifications.registerWebhook.mutate({
        url: receiver.url,
        secret: SECRET,
      });
    }
    const deliveries = () =>
      (receiver?.received ?? []).map((r) => JSON.parse(r.rawBody) as WebhookDelivery);
    return {
      alice,
      bob,
      carol,
      dave,
      room,
      pushService,
      deliveries,
      notify: server.server.services.notify,
    };
  }

  const payload = (
    room: { id: string },
    count: number,
    last: { id: string; seq: number; createdAt: number },
    bodyPreview: string,
  ): PushNotificationPayload => ({
    type: 'room.messages',
    tag: `room:${room.id}`,
    roomId: room.id,
    roomName: 'crew',
    roomKind: 'private',
    count,
    lastMessage: { ...last, authorDisplayName: 'alice', bodyPreview },
  });

  const recipient = (u: User, mentioned: boolean) => ({
    userId: u.user.id,
    username: u.username,
    displayName: u.user.displayName,
    mentioned,
  });

  it.each([
    ['with a webhook registered', true],
    ['push only', false],
  ])(
    "'mentions' is notified only when named, 'none' never, 'all' of everything (%s)",
    async (_, withWebhook) => {
      const { alice, bob, carol, dave, room, pushService, deliveries, notify } =
        await setup(withWebhook);
      const send = (clientMsgId: string, body: string) =>
        alice.api.message.send.mutate({ roomId: room.id, clientMsgId, body });

      // A message naming nobody: only dave, at 'all'.
      const plain = await send('m1', 'standup in 5');
      await notify.settled();
      expect(pushService.problems).toEqual([]);
      expect(pushService.received.map((r) => r.name)).toEqual(['dave']);
      expect(pushService.payloadsOf('dave')).toEqual([payload(room, 1, plain, 'standup in 5')]);
      if (withWebhook) {
        expect(deliveries().map((d) => [d.message.id, d.recipients])).toEqual([
          [plain.id, [recipient(dave, false)]],
        ]);
      }

      // Naming bob and carol: bob, who muted the room, is notified; carol, at 'none', is not.
      const body = `@${bob.username} @${carol.username} your turn`;
      const named = await send('m2', body);
      await notify.settled();
      expect(pushService.received.map((r) => r.name).sort()).toEqual(['bob', 'dave', 'dave']);
      // The count is the member's unread in the room: bob never read the first one either.
      expect(pushService.payloadsOf('bob')).toEqual([payload(room, 2, named, body)]);
      expect(pushService.payloadsOf('dave')[1]).toEqual(payload(room, 2, named, body));
      expect(pushService.payloadsOf('carol')).toEqual([]);
      if (withWebhook) {
        const byUser = (a: { userId: string }, b: { userId: string }) =>
          a.userId.localeCompare(b.userId);
        expect(deliveries()[1]?.message.id).toBe(named.id);
        expect([...(deliveries()[1]?.recipients ?? [])].sort(byUser)).toEqual(
          [recipient(bob, true), recipient(dave, false)].sort(byUser),
        );
        expect(deliveries()).toHaveLength(2);
      }

      // @room from the owner names everyone: still nothing for carol.
      const everyone = await send('m3', '@room heads up');
      await notify.settled();
      expect(pushService.payloadsOf('bob')[1]).toEqual(
        payload(room, 3, everyone, '@room heads up'),
      );
      expect(pushService.payloadsOf('dave')[2]).toEqual(
        payload(room, 3, everyone, '@room heads up'),
      );
      expect(pushService.payloadsOf('carol')).toEqual([]);
      expect(pushService.received).toHaveLength(5);
      if (withWebhook) {
        expect(deliveries()[2]?.message.id).toBe(everyone.id);
        expect(
          deliveries()[2]
            ?.recipients.map((r) => [r.userId, r.mentioned])
            .sort(),
        ).toEqual(
          [
            [bob.user.id, true],
            [dave.user.id, true],
          ].sort(),
        );
      }

      // The views: bob was named twice, carol too (her level silences, it does not unname).
      const view = await bob.api.message.mentions.query();
      expect(view.mentions.map((m) => m.message.id)).toEqual([everyone.id, named.id]);
      expect(view.mentions[1]).toMatchObject({
        room: { id: room.id, name: 'crew', kind: 'private' },
        message: { body, mentions: [bob.user.id, carol.user.id] },
      });
      expect((await carol.api.message.mentions.query({ limit: 1 })).hasMore).toBe(true);
    },
  );

  it('a level set while a push is pending is what the push obeys; dave at all then none gets nothing', async () => {
    const { alice, bob, dave, room, pushService, notify } = await setup(false);
    await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'x1', body: 'one' });
    // Whether the window opened already or not, it closes with dave at 'none'.
    await dave.api.notifications.setRoomLevel.mutate({ roomId: room.id, level: 'none' });
    await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'x2',
      body: `@${dave.username} @${bob.username}`,
    });
    await notify.settled();
    expect(pushService.problems).toEqual([]);
    expect(pushService.received.map((r) => r.name)).toEqual(['bob']);
  });

  it('a mention in a thread-only reply notifies a muted member who read the whole timeline (count 1)', async () => {
    const { alice, bob, room, pushService, notify } = await setup(false);
    const root = await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 't1',
      body: 'plan for friday',
    });
    await bob.api.message.markRead.mutate({ roomId: room.id, seq: root.seq });
    const body = `@${bob.username} thoughts?`;
    const reply = await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 't2',
      body,
      threadId: root.id,
    });
    await notify.settled();
    expect(pushService.problems).toEqual([]);
    // A thread-only reply is not unread in the room's timeline, but a mention is news.
    expect(pushService.payloadsOf('bob')).toEqual([payload(room, 1, reply, body)]);
  });

  it('levels: listed for the caller, read by the old mute API; an unknown level is refused and changes nothing', async () => {
    const { bob, carol, dave, room } = await setup(false);
    expect(await bob.api.notifications.roomLevels.query()).toEqual([
      { roomId: room.id, level: 'mentions' },
    ]);
    expect(await carol.api.notifications.roomLevels.query()).toEqual([
      { roomId: room.id, level: 'none' },
    ]);
    // Muted, for the old API, is any level but 'all'.
    expect(await carol.api.notifications.mutedRooms.query()).toEqual({ roomIds: [room.id] });
    expect(await dave.api.notifications.roomLevels.query()).toEqual([]);
    await carol.api.notifications.setRoomLevel.mutate({ roomId: room.id, level: 'all' });
    expect(await carol.api.notifications.roomLevels.query()).toEqual([]);
    expect(await carol.api.notifications.mutedRooms.query()).toEqual({ roomIds: [] });
    expect(
      await refusal(
        bob.api.notifications.setRoomLevel.mutate({
          roomId: room.id,
          level: 'loud' as unknown as 'all',
        }),
      ),
    ).toMatchObject({ appCode: 'VALIDATION' });
    expect(await bob.api.notifications.roomLevels.query()).toEqual([
      { roomId: room.id, level: 'mentions' },
    ]);
  });
});
