import type { Kysely } from 'kysely';
import type { SessionRecord, Store } from '../../ports/store.js';
import { queryTemplate } from './query-template.js';
import { isUniqueViolation, toUser } from './rows.js';
import type { Database } from './schema.js';

type AccountsPart = Pick<
  Store,
  | 'createUser'
  | 'userByUsername'
  | 'userById'
  | 'updatePasswordHash'
  | 'settingsOf'
  | 'updateSettings'
  | 'lastSeenOf'
  | 'createSession'
  | 'sessionByTokenHash'
  | 'sessionWithUser'
  | 'touchSession'
  | 'sessionsOf'
  | 'revokeSession'
>;

function toSession(row: Database['sessions']): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    deviceLabel: row.device_label,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    // Left out when unset, so sessions of password accounts read back as they were written.
    ...(row.expires_at === null ? {} : { expiresAt: Number(row.expires_at) }),
  };
}

/** Every authenticated call whose session is not cached yet reads it (query-template.ts). */
const sessionWithUserByHash = queryTemplate(['tokenHash'], (db, v: { tokenHash: string }) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('s')
    .select(['u.username', 'u.display_name', 'u.created_at as user_created_at', 'u.avatar_version'])
    .where('s.token_hash', '=', v.tokenHash),
);

export function accountsStore(db: Kysely<Database>): AccountsPart {
  return {
    async createUser(user) {
      try {
        await db
          .insertInto('users')
          .values({
            id: user.id,
            username: user.username,
            display_name: user.displayName,
            password_hash: user.passwordHash,
            created_at: user.createdAt,
          })
          .execute();
        return 'created';
      } catch (error) {
        if (isUniqueViolation(error)) return 'username-taken';
        throw error;
      }
    },
    async userByUsername(username) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst();
      return row ? { ...toUser(row), passwordHash: row.password_hash } : undefined;
    },
    async userById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },
    async updatePasswordHash(userId, { from, to }) {
      const result = await db
        .updateTable('users')
        .set({ password_hash: to })
        .where('id', '=', userId)
        .where('password_hash', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async settingsOf(userId) {
      const row = await db
        .selectFrom('users')
        .select('share_read_receipts')
        .where('id', '=', userId)
        .executeTakeFirst();
      return { shareReadReceipts: Number(row?.share_read_receipts ?? 1) === 1 };
    },
    async updateSettings(userId, settings) {
      await db
        .updateTable('users')
        .set({ share_read_receipts: settings.shareReadReceipts ? 1 : 0 })
        .where('id', '=', userId)
        .execute();
    },
    async lastSeenOf(userIds) {
      if (userIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('sessions')
        .select((eb) => ['user_id', eb.fn.max('last_seen_at').as('seen')])
        .where('user_id', 'in', [...userIds])
        .groupBy('user_id')
        .execute();
      return new Map(rows.map((r) => [r.user_id, Number(r.seen)]));
    },
    async createSession(s) {
      await db
        .insertInto('sessions')
        .values({
          id: s.id,
          user_id: s.userId,
          token_hash: s.tokenHash,
          device_label: s.deviceLabel,
          created_at: s.createdAt,
          last_seen_at: s.lastSeenAt,
          revoked_at: s.revokedAt,
          expires_at: s.expiresAt ?? null,
        })
        .execute();
    },
    async sessionByTokenHash(tokenHash) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? toSession(row) : undefined;
    },
    async sessionWithUser(tokenHash) {
      const [row] = (await sessionWithUserByHash(db, { tokenHash })).rows;
      if (!row) return undefined;
      return {
        session: toSession(row),
        user: toUser({
          id: row.user_id,
          username: row.username,
          display_name: row.display_name,
          created_at: row.user_created_at,
          avatar_version: row.avatar_version,
        }),
      };
    },
    async touchSession(id, at) {
      await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
    },
    async sessionsOf(userId) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('last_seen_at', 'desc')
        .execute();
      return rows.map(toSession);
    },
    async revokeSession(userId, sessionId, at) {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: at })
        .where('id', '=', sessionId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
