import type { RoomEvent } from '@confab/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { AccountDataStore } from '../../ports/data-lifecycle-store.js';
import { appendEvent } from './log.js';
import { toMessage, toRoom } from './rows.js';
import type { Database } from './schema.js';

/** Who takes over a room whose owner deletes their account: its first admin, else its first member. */
async function successor(
  tx: Transaction<Database>,
  roomId: string,
  leaving: string,
): Promise<string | undefined> {
  for (const role of ['admin', 'member']) {
    const row = await tx
      .selectFrom('members')
      .select('user_id')
      .where('room_id', '=', roomId)
      .where('user_id', '<>', leaving)
      .where('role', '=', role)
      .orderBy('joined_at')
      .orderBy('user_id')
      .limit(1)
      .executeTakeFirst();
    if (row) return row.user_id;
  }
  return undefined;
}

export function accountDataStore(db: Kysely<Database>): AccountDataStore {
  return {
    async membershipsOf(userId) {
      const rows = await db
        .selectFrom('members as m')
        .innerJoin('rooms as r', 'r.id', 'm.room_id')
        .selectAll('r')
        .select(['m.role', 'm.joined_at', 'm.last_read_seq'])
        .where('m.user_id', '=', userId)
        .orderBy('m.joined_at')
        .orderBy('r.id')
        .execute();
      return rows.map((r) => ({
        room: toRoom(r),
        role: r.role as 'owner' | 'admin' | 'member',
        joinedAt: Number(r.joined_at),
        lastReadSeq: Number(r.last_read_seq),
      }));
    },
    // Walks the idempotency index (client_msg_id, author_id) in clientMsgId order, keeping the
    // user's: the whole index once over an export's pages. No index starts with the author (each
    // would cost a send's commit one more page per author, migration 0015), and exports are
    // few (the exportPerUser rate rule).
    async messagesBy(userId, { after, limit }) {
      let query = db.selectFrom('messages').selectAll().where('author_id', '=', userId);
      if (after !== undefined) query = query.where('client_msg_id', '>', after);
      const rows = await query.orderBy('client_msg_id').limit(limit).execute();
      return rows.map(toMessage);
    },
    async pushSubscriptionsOwnedBy(userId) {
      const rows = await db
        .selectFrom('push_subscriptions')
        .select(['endpoint', 'session_id', 'created_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('endpoint')
        .execute();
      return rows.map((r) => ({
        endpoint: r.endpoint,
        sessionId: r.session_id,
        createdAt: Number(r.created_at),
      }));
    },
    async deleteAccount(userId, at) {
      return db.transaction().execute(async (tx) => {
        const user = await tx
          .selectFrom('users')
          .select('id')
          .where('id', '=', userId)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!user) return 'not-found' as const;
        const live = await tx
          .selectFrom('sessions')
          .select('id')
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .orderBy('id')
          .execute();
        // Revoked, not deleted: a device that calls again is told it was signed out. Labels
        // ("Ann's phone") are the person's words, so they go.
        await tx
          .updateTable('sessions')
          .set({ revoked_at: at })
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .execute();
        await tx
          .updateTable('sessions')
          .set({ device_label: 'Deleted' })
          .where('user_id', '=', userId)
          .execute();
        await tx.deleteFrom('push_subscriptions').where('user_id', '=', userId).execute();
        await tx.deleteFrom('room_mutes').where('user_id', '=', userId).execute();
        // Where they were named: their mentions view, which nobody else reads.
        await tx.deleteFrom('mentions').where('user_id', '=', userId).execute();
        await tx
          .deleteFrom('notification_outbox')
          .where('kind', '=', 'push')
          .where('user_id', '=', userId)
          .execute();
        const memberships = await tx
          .selectFrom('members')
          .select(['room_id', 'role'])
          .where('user_id', '=', userId)
          .orderBy('room_id')
          .execute();
        const events: RoomEvent[] = [];
        for (const { room_id: roomId, role } of memberships) {
          if (role === 'owner') {
            const heir = await successor(tx, roomId, userId);
            if (heir)
              await tx
                .updateTable('members')
                .set({ role: 'owner' })
                .where('room_id', '=', roomId)
                .where('user_id', '=', heir)
                .execute();
          }
          await tx
            .deleteFrom('members')
            .where('room_id', '=', roomId)
            .where('user_id', '=', userId)
            .execute();
          events.push(
            await appendEvent(tx, roomId, at, (seq) => ({
              type: 'member.left' as const,
              roomId,
              seq,
              actorId: userId,
              at,
              userId,
            })),
          );
        }
        // The row stays as the author of the messages that are kept. A ':' is never in a
        // username anyone can register or sign in with, so the old name is free and this one
        // is unusable; an empty hash matches no password.
        await tx
          .updateTable('users')
          .set({
            username: `deleted:${userId}`,
            display_name: 'Deleted user',
            password_hash: '',
            share_read_receipts: 0,
            deleted_at: at,
            avatar_version: null,
          })
          .where('id', '=', userId)
          .execute();
        await tx.deleteFrom('avatars').where('user_id', '=', userId).execute();
        return { sessionIds: live.map((s) => s.id), events };
      });
    },
  };
}
