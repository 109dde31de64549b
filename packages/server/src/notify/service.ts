import {
  LIMITS,
  type Message,
  NOTIFICATION_LIMITS,
  type NotificationStats,
  type PushNotificationPayload,
  type Room,
} from '@confab/contracts';
import webpush from 'web-push';
import type { Notifier } from '../ports/notifier.js';
import type { NotificationTarget, Store, VapidKeys, WebhookRecord } from '../ports/store.js';
import { newId } from '../services/crypto.js';
import type { Presence } from '../services/presence.js';
import type { Rooms } from '../services/rooms.js';
import { createCollapser, type PendingPush } from './collapse.js';
import { type NotifyConfig, resolveNotifyConfig } from './config.js';
import { createOutbound } from './outbound.js';
import { createNotificationSettings } from './settings.js';
import { createLimiter, createTasks, describeError } from './tasks.js';
import { createTelemetry } from './telemetry.js';
import { createPushSender } from './web-push.js';
import { createWebhookDispatcher } from './webhooks.js';

/**
 * Fan-outs (a query per burst of new messages, more when someone is to be notified) at once:
 * notification work must not take the store's connections from sends.
 */
const FAN_OUT_CONCURRENCY = 4;
/** Messages waiting for their fan-out at most; past it, new ones notify nobody (and are logged). */
const FAN_OUT_MAX_QUEUED = 10_000;
/** Rooms per push-targets query at most (a burst may hold thousands of messages). */
const PUSH_TARGETS_ROOMS = 500;
/** The webhook list is read at most this often (and at once after a change on this process). */
const WEBHOOKS_CACHE_MS = 5_000;

/** A message body cut to the preview length, in code points, with "…" where it was cut. */
export function preview(body: string, max: number = NOTIFICATION_LIMITS.previewMaxChars): string {
  const chars = Array.from(body);
  if (chars.length <= max) return body;
  return `${chars
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}

/**
 * Offline notifications. As the `Notifier`, it hears of each new message, finds the room's
 * members with no live connection (on this process: presence is per process) who did not mute
 * the room, and notifies them: a Web Push per member and room, collapsed over a short window,
 * and one signed webhook delivery per message per registered webhook. It also serves the
 * notifications router: VAPID public key, push subscriptions, mutes, webhook registration.
 */
export function createNotifications(
  deps: {
    store: Store;
    presence: Pick<Presence, 'isConnected'>;
    rooms: Pick<Rooms, 'requireMember'>;
    now: () => number;
  },
  options: NotifyConfig = {},
) {
  const { store, presence, rooms, now } = deps;
  const config = resolveNotifyConfig(options);
  const telemetry = createTelemetry(config.log);
  const tasks = createTasks((error) =>
    telemetry.log({ event: 'notify.error', error: describeError(error) }),
  );
  // Closing first stops waiting (open windows flush, retries stop); after a grace period,
  // in-flight requests are aborted.
  const stopping = new AbortController();
  const aborting = new AbortController();
  const fanOutLimit = createLimiter(FAN_OUT_CONCURRENCY);
  let queuedFanOuts = 0;
  /** Messages announced but not yet fanned out; when there are some, a fan-out is on its way. */
  let waiting: Message[] = [];

  let hooksCache: { at: number; hooks: Promise<WebhookRecord[]> } | undefined;
  function registeredWebhooks(): Promise<WebhookRecord[]> {
    if (!hooksCache || now() - hooksCache.at > WEBHOOKS_CACHE_MS) {
      const hooks = store.webhooks();
      hooksCache = { at: now(), hooks };
      hooks.catch(() => {
        hooksCache = undefined;
      });
    }
    return hooksCache.hooks;
  }

  let keys: Promise<VapidKeys> | undefined;
  function vapidKeys(): Promise<VapidKeys> {
    keys ??= store
      .vapidKeys(() => webpush.generateVAPIDKeys())
      .catch((error: unknown) => {
        keys = undefined; // try again next time
        throw error;
      });
    return keys;
  }

  // Every push and webhook request: address checks, timeout, concurrency limits and pauses.
  const outbound = createOutbound({ config, telemetry, requestSignal: aborting.signal, now });
  const pushSender = createPushSender({ store, config, telemetry, outbound, vapidKeys, now });
  const webhooks = createWebhookDispatcher({
    config,
    telemetry,
    tasks,
    outbound,
    stopSignal: stopping.signal,
    now,
  });

  async function flush(push: PendingPush): Promise<void> {
    // Back during the window: they saw the messages live.
    if (presence.isConnected(push.userId)) return;
    // Undefined: they left the room meanwhile; 0: another device read it all.
    const count = await store.unreadCount(push.room.id, push.userId);
    if (!count) return;
    const payload: PushNotificationPayload = {
      type: 'room.messages',
      tag: `room:${push.room.id}`,
      roomId: push.room.id,
      roomName: push.room.kind === 'direct' ? push.authorName : push.room.name,
      roomKind: push.room.kind,
      count,
      lastMessage: {
        id: push.last.id,
        seq: push.last.seq,
        authorDisplayName: push.authorName,
        bodyPreview: preview(push.last.body),
        createdAt: push.last.createdAt,
      },
    };
    await pushSender.toUser(push.userId, payload);
  }

  const collapser = createCollapser({
    windowMs: config.pushCollapseMs,
    maxPending: config.pushMaxPending,
    tasks,
    telemetry,
    stopSignal: stopping.signal,
    flush,
  });

  /**
   * New messages fanned out together, whatever their rooms: with no webhook registered, one
   * query finds the push targets of all their rooms (messages arrive in bursts, one per group
   * commit, and a query per message cost as much as the send itself).
   */
  async function fanOutBurst(messages: readonly Message[]): Promise<void> {
    const hooks = await registeredWebhooks();
    const activeSince = now() - LIMITS.sessionIdleTtlMs;
    const rooms = new Map<string, Promise<Room | undefined>>();
    const roomOf = (roomId: string) => {
      let room = rooms.get(roomId);
      if (!room) {
        room = store.roomById(roomId);
        rooms.set(roomId, room);
      }
      return room;
    };
    if (hooks.length === 0) {
      // Pushes need only the subscribed members: one query starting from the (few)
      // subscriptions, rather than reading every member of the rooms.
      const roomIds = [...new Set(messages.map((m) => m.roomId))];
      const subscribed = new Map<string, string[]>();
      for (let i = 0; i < roomIds.length; i += PUSH_TARGETS_ROOMS) {
        const some = roomIds.slice(i, i + PUSH_TARGETS_ROOMS);
        for (const { roomId, userId } of await store.pushTargets(some, activeSince)) {
          const users = subscribed.get(roomId);
          if (users) users.push(userId);
          else subscribed.set(roomId, [userId]);
        }
      }
      for (const message of messages) {
        const pushTo = (subscribed.get(message.roomId) ?? []).filter(
          (userId) => userId !== message.authorId && !presence.isConnected(userId),
        );
        await notifyOffline(message, roomOf, pushTo, [], hooks);
      }
      return;
    }
    // Webhooks are told every offline member, message by message.
    for (const message of messages) {
      const targets = await store.notificationTargets(
        message.roomId,
        message.authorId,
        activeSince,
      );
      const offline = targets.filter((t) => !t.muted && !presence.isConnected(t.userId));
      const pushTo = offline.filter((t) => t.subscribed).map((t) => t.userId);
      await notifyOffline(message, roomOf, pushTo, offline, hooks);
    }
  }

  /** Queues the pushes and sends the webhook deliveries for one message. */
  async function notifyOffline(
    message: Message,
    roomOf: (roomId: string) => Promise<Room | undefined>,
    pushTo: readonly string[],
    offline: readonly NotificationTarget[],
    hooks: readonly WebhookRecord[],
  ): Promise<void> {
    if (pushTo.length === 0 && offline.length === 0) return;
    const room = await roomOf(message.roomId);
    if (!room) return;
    const author = await store.userById(message.authorId);
    const authorName = author?.displayName ?? 'Someone';
    for (const userId of pushTo) collapser.add(userId, room, message, authorName);
    if (offline.length === 0) return;
    const recipients = offline.map(({ userId, username, displayName }) => ({
      userId,
      username,
      displayName,
    }));
    for (const hook of hooks) {
      webhooks.send(hook, {
        deliveryId: newId(),
        type: 'message.created',
        createdAt: now(),
        room: { id: room.id, name: room.name, kind: room.kind },
        message: {
          id: message.id,
          seq: message.seq,
          body: message.body,
          createdAt: message.createdAt,
          author: {
            userId: message.authorId,
            username: author?.username ?? '',
            displayName: authorName,
          },
        },
        recipients,
      });
    }
  }

  // First start: make (and store) the keys now, not on the first subscriber's request.
  tasks.run(async () => {
    await vapidKeys();
  });

  const notifier: Notifier = {
    messageCreated(message) {
      if (stopping.signal.aborted) return;
      if (queuedFanOuts >= FAN_OUT_MAX_QUEUED) {
        telemetry.log({
          event: 'notify.error',
          error: 'fan-out queue full',
          messageId: message.id,
        });
        return;
      }
      queuedFanOuts += 1;
      waiting.push(message);
      if (waiting.length > 1) return;
      tasks.run(async () => {
        // The rest of this commit's messages are announced a few promise steps later, and
        // later ones keep joining while the fan-outs ahead of this one run.
        await new Promise((resolve) => setImmediate(resolve));
        await fanOutLimit(async () => {
          const burst = waiting;
          waiting = [];
          try {
            await fanOutBurst(burst);
          } finally {
            queuedFanOuts -= burst.length;
          }
        });
      });
    },
  };

  return {
    ...notifier,

    async vapidPublicKey(): Promise<{ publicKey: string }> {
      return { publicKey: (await vapidKeys()).publicKey };
    },

    ...createNotificationSettings({
      store,
      rooms,
      config,
      now,
      webhooksChanged: () => {
        hooksCache = undefined;
      },
    }),

    /** Counters since start: the notifications.stats query, and for /metrics. */
    metrics(): NotificationStats {
      return telemetry.snapshot();
    },

    /** Resolves once all notification work started so far is done (tests await this). */
    settled: (): Promise<void> => tasks.settled(),

    /**
     * Stops taking messages, sends the pushes whose windows are open, drops webhook retries
     * that wait, and gives in-flight requests `closeGraceMs` before aborting them.
     */
    async close(): Promise<void> {
      stopping.abort();
      const grace = setTimeout(() => aborting.abort(), config.closeGraceMs);
      try {
        await tasks.settled();
      } finally {
        clearTimeout(grace);
      }
      await outbound.close();
    },
  };
}
export type Notifications = ReturnType<typeof createNotifications>;
