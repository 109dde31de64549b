import {
  LIMITS,
  type Message,
  type NotificationLevel,
  type NotificationStats,
  type Room,
} from '@confab/contracts';
import { loadWebPush } from '../lazy-modules.js';
import type { Notifier } from '../ports/notifier.js';
import type {
  NewWebhookDelivery,
  NotificationTarget,
  Store,
  VapidKeys,
  WebhookRecord,
} from '../ports/store.js';
import { newId } from '../services/crypto.js';
import type { Presence } from '../services/presence.js';
import type { Rooms } from '../services/rooms.js';
import { collectPushWindows, type PushWindows } from './collapse.js';
import { type NotifyConfig, resolveNotifyConfig } from './config.js';
import { mentions, notifies } from './levels.js';
import { createOutbound } from './outbound.js';
import { createOutboxPoller } from './outbox.js';
import { createOutboxQueue } from './outbox-queue.js';
import { createPushFlush } from './push-flush.js';
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

/**
 * Offline notifications. As the `Notifier`, it hears of each new message, finds the room's
 * members with no live connection (`presence.isConnected`) who did not mute the room, and
 * queues their notifications in the store's outbox: a Web Push per member and room, collapsed
 * over a short window, and one signed webhook delivery per message per registered webhook.
 * Every node works on the outbox (outbox.ts), so a delivery outlives the node that queued it
 * and is sent by one node at a time. It also serves the notifications router: VAPID public
 * key, push subscriptions, mutes, webhook registration.
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
  // Closing first stops claiming (open windows and retries stay in the outbox); after a grace
  // period, in-flight requests are aborted and their rows handed back.
  let stopping = false;
  const aborting = new AbortController();
  const fanOutLimit = createLimiter(FAN_OUT_CONCURRENCY);
  let queuedFanOuts = 0;
  /** Messages announced but not yet fanned out; when there are some, a fan-out is on its way. */
  let waiting: Message[] = [];

  let hooksCache: { at: number; hooks: Promise<WebhookRecord[]> } | undefined;
  /** The webhook, read again once when this process has not heard of it (another node's). */
  async function webhookById(id: string | null): Promise<WebhookRecord | undefined> {
    const cached = (await registeredWebhooks()).find((hook) => hook.id === id);
    if (cached) return cached;
    hooksCache = undefined;
    return (await registeredWebhooks()).find((hook) => hook.id === id);
  }
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
      .vapidKeys(async () => (await loadWebPush()).generateVAPIDKeys())
      .catch((error: unknown) => {
        keys = undefined; // try again next time
        throw error;
      });
    return keys;
  }

  // Every push and webhook request: address checks, timeout, concurrency limits and pauses.
  const outbound = createOutbound({ config, telemetry, requestSignal: aborting.signal, now });
  const pushSender = createPushSender({ store, config, telemetry, outbound, vapidKeys, now });
  const webhooks = createWebhookDispatcher({ config, telemetry, outbound, now });

  const flush = createPushFlush({ store, presence, pushSender, telemetry, now });

  const poller = createOutboxPoller({
    store,
    nodeId: config.nodeId,
    pollMs: config.outboxPollMs,
    idlePollMaxMs: Math.max(config.outboxPollMs, config.outboxIdlePollMaxMs),
    leaseMs: config.outboxLeaseMs,
    // As many rows at once as requests may run: more would only queue in `outbound`.
    maxInFlight: config.maxConcurrentRequests,
    tasks,
    telemetry,
    now,
    async handle(item) {
      if (item.kind === 'push') return flush(item);
      return webhooks.attempt(item, await webhookById(item.webhookId));
    },
    abandoned(item) {
      const group = item.kind === 'push' ? 'push' : 'webhooks';
      telemetry.count(group, 'dropped');
      telemetry.log({
        event: item.kind === 'push' ? 'push.dropped' : 'webhook.dropped',
        id: item.id,
        reason: 'lost-claims',
      });
    },
  });

  const enqueue = createOutboxQueue({ store, poller, config, telemetry, now });

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
    const pushes = collectPushWindows();
    const deliveries: NewWebhookDelivery[] = [];
    const queue = { pushes, deliveries };
    if (hooks.length === 0) {
      // Pushes need only the subscribed members: one query starting from the (few)
      // subscriptions, rather than reading every member of the rooms.
      const roomIds = [...new Set(messages.map((m) => m.roomId))];
      const subscribed = new Map<string, { userId: string; level: NotificationLevel }[]>();
      for (let i = 0; i < roomIds.length; i += PUSH_TARGETS_ROOMS) {
        const some = roomIds.slice(i, i + PUSH_TARGETS_ROOMS);
        for (const { roomId, userId, level } of await store.pushTargets(some, activeSince)) {
          const users = subscribed.get(roomId);
          if (users) users.push({ userId, level });
          else subscribed.set(roomId, [{ userId, level }]);
        }
      }
      for (const message of messages) {
        const pushTo = (subscribed.get(message.roomId) ?? [])
          .filter(
            ({ userId, level }) =>
              userId !== message.authorId &&
              notifies(level, mentions(message, userId)) &&
              !presence.isConnected(userId),
          )
          .map(({ userId }) => userId);
        await notifyOffline(message, { roomOf, queue }, pushTo, [], hooks);
      }
    } else {
      // Webhooks are told every offline member, message by message.
      for (const message of messages) {
        const targets = await store.notificationTargets(
          message.roomId,
          message.authorId,
          activeSince,
        );
        const offline = targets.filter(
          (t) => notifies(t.level, mentions(message, t.userId)) && !presence.isConnected(t.userId),
        );
        const pushTo = offline.filter((t) => t.subscribed).map((t) => t.userId);
        await notifyOffline(message, { roomOf, queue }, pushTo, offline, hooks);
      }
    }
    await enqueue(pushes, deliveries);
  }

  /** Gathers the pushes and the webhook deliveries of one message into its burst's queue. */
  async function notifyOffline(
    message: Message,
    burst: {
      roomOf: (roomId: string) => Promise<Room | undefined>;
      queue: { pushes: PushWindows; deliveries: NewWebhookDelivery[] };
    },
    pushTo: readonly string[],
    offline: readonly NotificationTarget[],
    hooks: readonly WebhookRecord[],
  ): Promise<void> {
    if (pushTo.length === 0 && offline.length === 0) return;
    const room = await burst.roomOf(message.roomId);
    if (!room) return;
    const author = await store.userById(message.authorId);
    const authorName = author?.displayName ?? 'Someone';
    for (const userId of pushTo) {
      burst.queue.pushes.add(userId, room, message, authorName, mentions(message, userId));
    }
    if (offline.length === 0) return;
    const recipients = offline.map(({ userId, username, displayName }) => ({
      userId,
      username,
      displayName,
      mentioned: mentions(message, userId),
    }));
    for (const hook of hooks) {
      const delivery = webhooks.delivery(hook, {
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
      burst.queue.deliveries.push(delivery);
    }
  }

  // First start: make (and store) the keys now, not on the first subscriber's request.
  tasks.run(async () => {
    await vapidKeys();
  });

  const notifier: Notifier = {
    messageCreated(message) {
      if (stopping) return;
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

    /**
     * Resolves once all notification work started so far is done and the outbox is empty:
     * retries made and windows sent (tests await this; with other nodes on the same
     * database it also waits for theirs).
     */
    async settled(): Promise<void> {
      for (;;) {
        await tasks.settled();
        const { webhook, push } = await store.outboxCounts();
        if (webhook + push === 0 && tasks.idle()) return;
        if (stopping) return;
        await poller.nextCycle();
      }
    },

    /**
     * Stops taking messages and claiming rows: open push windows and waiting webhook retries
     * stay in the outbox for another node or the next start. In-flight requests get
     * `closeGraceMs`, then are aborted and their rows handed back.
     */
    async close(): Promise<void> {
      stopping = true;
      poller.stop();
      // A claim in flight lands first: its rows are started (and handed back) as tasks.
      await poller.finished();
      const grace = setTimeout(() => aborting.abort(), config.closeGraceMs);
      try {
        await tasks.settled();
      } finally {
        clearTimeout(grace);
        poller.close();
      }
      await outbound.close();
    },
  };
}
export type Notifications = ReturnType<typeof createNotifications>;
