import type { NotificationLevel } from '@confab/contracts';
import type { Kysely, Selectable } from 'kysely';
import type { RoomLevel } from '../../ports/mentions-store.js';
import type {
  NotificationsStore,
  PushSubscriptionRecord,
  VapidKeys,
  WebhookRecord,
} from '../../ports/store.js';
import { queryTemplate } from './query-template.js';
import type { Database } from './schema.js';
import { inTimeline } from './timeline.js';

/** The key of the single VAPID key row. */
const VAPID_ROW = 'default';

function toSubscription(row: Selectable<Database['push_subscriptions']>): PushSubscriptionRecord {
  return {
    endpoint: row.endpoint,
    userId: row.user_id,
    sessionId: row.session_id,
    p256dh: row.p256dh,
    auth: row.auth,
    createdAt: Number(row.created_at),
  };
}

function toWebhook(row: Selectable<Database['webhooks']>): WebhookRecord {
  return { id: row.id, url: row.url, secret: row.secret, createdAt: Number(row.created_at) };
}

/** A room_mutes level as stored; anything unexpected reads as the quieter 'none'. */
function storedLevel(level: string): RoomLevel['level'] {
  return level === 'mentions' ? 'mentions' : 'none';
}

/** Members of `roomIds` with a live push subscription, and their level where they set one. */
function pushTargetsQuery(db: Kysely<Database>, roomIds: readonly string[], activeSince: number) {
  return db
    .selectFrom('push_subscriptions as p')
    .innerJoin('sessions as s', 's.id', 'p.session_id')
    .innerJoin('members as m', (join) =>
      join.onRef('m.user_id', '=', 'p.user_id').on('m.room_id', 'in', roomIds),
    )
    .leftJoin('room_mutes as r', (join) =>
      join.onRef('r.room_id', '=', 'm.room_id').onRef('r.user_id', '=', 'm.user_id'),
    )
    .select(['m.room_id', 'm.user_id', 'r.level'])
    .distinct()
    .where('s.revoked_at', 'is', null)
    .where('s.last_seen_at', '>=', activeSince)
    .where((eb) => eb.or([eb('r.level', 'is', null), eb('r.level', '<>', 'none')]))
    .orderBy('m.room_id')
    .orderBy('m.user_id');
}

const pushTargetsOfRoom = queryTemplate(
  ['roomId', 'activeSince'],
  (db, v: { roomId: string; activeSince: number }) =>
    pushTargetsQuery(db, [v.roomId], v.activeSince),
);

export function notificationsStore(db: Kysely<Database>): NotificationsStore {
  async function setRoomLevel(roomId: string, userId: string, level: NotificationLevel) {
    if (level === 'all') {
      await db
        .deleteFrom('room_mutes')
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .execute();
      return;
    }
    await db
      .insertInto('room_mutes')
      .values({ room_id: roomId, user_id: userId, level })
      .onConflict((oc) => oc.columns(['room_id', 'user_id']).doUpdateSet({ level }))
      .execute();
  }

  async function storedVapidKeys(): Promise<VapidKeys | undefined> {
    const row = await db
      .selectFrom('vapid_keys')
      .select(['public_key', 'private_key'])
      .where('id', '=', VAPID_ROW)
      .executeTakeFirst();
    return row ? { publicKey: row.public_key, privateKey: row.private_key } : undefined;
  }

  /** Unread count, read marker and level in one query (see NotificationsStore.pushCheck). */
  async function pushCheck(
    roomId: string,
    userId: string,
  ): ReturnType<NotificationsStore['pushCheck']> {
    const row = await db
      .selectFrom('members as m')
      .leftJoin('room_mutes as r', (join) =>
        join.onRef('r.room_id', '=', 'm.room_id').onRef('r.user_id', '=', 'm.user_id'),
      )
      .select(['m.last_read_seq', 'r.level'])
      .select((eb) =>
        eb
          .selectFrom('messages as x')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('x.room_id', '=', 'm.room_id')
          .whereRef('x.seq', '>', 'm.last_read_seq')
          .where('x.deleted_at', 'is', null)
          .where('x.author_id', '<>', userId)
          .where(inTimeline('x')) // thread-only replies are not unread in the room
          .as('unread'),
      )
      .where('m.room_id', '=', roomId)
      .where('m.user_id', '=', userId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      unread: Number(row.unread ?? 0),
      lastReadSeq: Number(row.last_read_seq),
      level: row.level === null ? 'all' : storedLevel(row.level),
    };
  }

  return {
    async vapidKeys(generate) {
      const stored = await storedVapidKeys();
      if (stored) return stored;
      const keys = await generate();
      // Two nodes starting on a new database race here: the first insert wins, the other does
      // nothing, and both read back the winner's keys.
      await db
        .insertInto('vapid_keys')
        .values({
          id: VAPID_ROW,
          public_key: keys.publicKey,
          private_key: keys.privateKey,
          created_at: Date.now(),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const winner = await storedVapidKeys();
      if (!winner) throw new Error('VAPID keys were stored but cannot be read back');
      return winner;
    },

    async savePushSubscription(s) {
      await db.transaction().execute(async (tx) => {
        await tx
          .deleteFrom('push_subscriptions')
          .where('session_id', '=', s.sessionId)
          .where('endpoint', '<>', s.endpoint)
          .execute();
        const row = {
          user_id: s.userId,
          session_id: s.sessionId,
          p256dh: s.p256dh,
          auth: s.auth,
          created_at: s.createdAt,
        };
        await tx
          .insertInto('push_subscriptions')
          .values({ endpoint: s.endpoint, ...row })
          .onConflict((oc) => oc.column('endpoint').doUpdateSet(row))
          .execute();
      });
    },

    async deletePushSubscription(endpoint, userId) {
      let q = db.deleteFrom('push_subscriptions').where('endpoint', '=', endpoint);
      if (userId !== undefined) q = q.where('user_id', '=', userId);
      const result = await q.executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async pushSubscriptionsOf(userIds, activeSince) {
      if (userIds.length === 0) return [];
      const rows = await db
        .selectFrom('push_subscriptions as p')
        .innerJoin('sessions as s', 's.id', 'p.session_id')
        .selectAll('p')
        .where('p.user_id', 'in', [...userIds])
        .where('s.revoked_at', 'is', null)
        .where('s.last_seen_at', '>=', activeSince)
        .orderBy('p.created_at')
        .orderBy('p.endpoint')
        .execute();
      return rows.map(toSubscription);
    },

    setRoomMuted(roomId, userId, muted) {
      return setRoomLevel(roomId, userId, muted ? 'mentions' : 'all');
    },

    setRoomLevel,

    async roomLevelsOf(userId) {
      // Only rooms the user is still in, as mutedRoomsOf.
      const rows = await db
        .selectFrom('room_mutes as r')
        .innerJoin('members as m', (join) =>
          join.onRef('m.room_id', '=', 'r.room_id').onRef('m.user_id', '=', 'r.user_id'),
        )
        .select(['r.room_id', 'r.level'])
        .where('r.user_id', '=', userId)
        .orderBy('r.room_id')
        .execute();
      return rows.map((r) => ({ roomId: r.room_id, level: storedLevel(r.level) }));
    },

    async mutedRoomsOf(userId) {
      // Only rooms the user is still in: a mute outlives leaving, but is nobody's business then.
      const rows = await db
        .selectFrom('room_mutes as r')
        .innerJoin('members as m', (join) =>
          join.onRef('m.room_id', '=', 'r.room_id').onRef('m.user_id', '=', 'r.user_id'),
        )
        .select('r.room_id')
        .where('r.user_id', '=', userId)
        .orderBy('r.room_id')
        .execute();
      return rows.map((r) => r.room_id);
    },

    async notificationTargets(roomId, exceptUserId, activeSince) {
      const rows = await db
        .selectFrom('members as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .leftJoin('room_mutes as r', (join) =>
          join.onRef('r.room_id', '=', 'm.room_id').onRef('r.user_id', '=', 'm.user_id'),
        )
        .select(['m.user_id', 'u.username', 'u.display_name', 'r.level'])
        .select((eb) =>
          eb
            .exists(
              eb
                .selectFrom('push_subscriptions as p')
                .innerJoin('sessions as s', 's.id', 'p.session_id')
                .select('p.endpoint')
                .whereRef('p.user_id', '=', 'm.user_id')
                .where('s.revoked_at', 'is', null)
                .where('s.last_seen_at', '>=', activeSince),
            )
            .as('subscribed'),
        )
        .where('m.room_id', '=', roomId)
        .where('m.user_id', '<>', exceptUserId)
        .orderBy('m.user_id')
        .execute();
      return rows.map((r) => ({
        userId: r.user_id,
        username: r.username,
        displayName: r.display_name,
        level: r.level === null ? ('all' as const) : storedLevel(r.level),
        // PostgreSQL answers EXISTS with a boolean, SQLite with 1 or 0.
        subscribed: Boolean(Number(r.subscribed)),
      }));
    },

    async pushTargets(roomIds, activeSince) {
      if (roomIds.length === 0) return [];
      // One room (a lone send's burst) has one shape: compiled once.
      const [only] = roomIds;
      const rows =
        roomIds.length === 1 && only !== undefined
          ? (await pushTargetsOfRoom(db, { roomId: only, activeSince })).rows
          : await pushTargetsQuery(db, roomIds, activeSince).execute();
      return rows.map((r) => ({
        roomId: r.room_id,
        userId: r.user_id,
        level: r.level === null ? ('all' as const) : storedLevel(r.level),
      }));
    },

    async unreadCount(roomId, userId) {
      return (await pushCheck(roomId, userId))?.unread;
    },

    pushCheck,

    async createWebhook(webhook, max) {
      return db.transaction().execute(async (tx) => {
        const { n } = await tx
          .selectFrom('webhooks')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        if (Number(n) >= max) return 'limit-reached' as const;
        await tx
          .insertInto('webhooks')
          .values({
            id: webhook.id,
            url: webhook.url,
            secret: webhook.secret,
            created_at: webhook.createdAt,
          })
          .execute();
        return 'created' as const;
      });
    },

    async webhooks() {
      const rows = await db
        .selectFrom('webhooks')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toWebhook);
    },

    async deleteWebhook(id) {
      const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
