import type { Message, Role, RoomKind } from '@confab/contracts';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { MentionsStore } from '../../ports/mentions-store.js';
import { attachReactions } from './reactions.js';
import { toMessage } from './rows.js';
import type { Database } from './schema.js';

/** Mention rows per INSERT at most: 4 parameters each stays far below both engines' limits. */
const ROWS_PER_INSERT = 500;

/**
 * Writes the mention rows of messages just created, in the transaction that stores them: one
 * per member named with `@username` (resolved by the messages service, author left out), and for
 * `@room` one per member of the room but the author, as they are when the message commits.
 */
export async function insertMentions(
  tx: Transaction<Database>,
  messages: readonly Message[],
): Promise<void> {
  const rows: Insertable<Database['mentions']>[] = [];
  for (const m of messages) {
    if (m.mentionsRoom) {
      await tx
        .insertInto('mentions')
        .columns(['user_id', 'message_id', 'room_id', 'created_at'])
        .expression((eb) =>
          eb
            .selectFrom('members')
            .select((s) => [
              'user_id',
              s.val(m.id).as('message_id'),
              s.val(m.roomId).as('room_id'),
              s.val(m.createdAt).as('created_at'),
            ])
            .where('room_id', '=', m.roomId)
            .where('user_id', '<>', m.authorId),
        )
        .execute();
      continue;
    }
    for (const userId of m.mentions ?? []) {
      rows.push({ user_id: userId, message_id: m.id, room_id: m.roomId, created_at: m.createdAt });
    }
  }
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await tx
      .insertInto('mentions')
      .values(rows.slice(i, i + ROWS_PER_INSERT))
      .execute();
  }
}

export function mentionsStore(db: Kysely<Database>): MentionsStore {
  return {
    async membersByUsernames(roomId, usernames) {
      if (usernames.length === 0) return [];
      const rows = await db
        .selectFrom('members as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['m.user_id', 'u.username', 'm.role'])
        .where('m.room_id', '=', roomId)
        .where('u.username', 'in', [...usernames])
        .execute();
      return rows.map((r) => ({ userId: r.user_id, username: r.username, role: r.role as Role }));
    },

    async mentionsOf(userId, page) {
      // The primary key (user_id, message_id) walks the user's mentions newest first (ids are
      // time-ordered); the joins drop rooms they left and deleted messages.
      let q = db
        .selectFrom('mentions as n')
        .innerJoin('members as mb', (join) =>
          join.onRef('mb.room_id', '=', 'n.room_id').onRef('mb.user_id', '=', 'n.user_id'),
        )
        .innerJoin('messages as x', 'x.id', 'n.message_id')
        .innerJoin('rooms as r', 'r.id', 'n.room_id')
        .selectAll('x')
        .select(['r.name as room_name', 'r.kind as room_kind'])
        .where('n.user_id', '=', userId)
        .where('x.deleted_at', 'is', null);
      if (page.beforeId !== undefined) q = q.where('n.message_id', '<', page.beforeId);
      const rows = await q
        .orderBy('n.message_id', 'desc')
        .limit(page.limit + 1)
        .execute();
      const kept = rows.slice(0, page.limit);
      // Reactions as history shows them (one query for the page).
      const messages = await attachReactions(db, kept.map(toMessage));
      return {
        mentions: kept.map((row, i) => ({
          room: { id: row.room_id, name: row.room_name, kind: row.room_kind as RoomKind },
          message: messages[i] as Message,
        })),
        hasMore: rows.length > page.limit,
      };
    },
  };
}
