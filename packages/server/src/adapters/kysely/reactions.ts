import { LIMITS, type Message, type Reaction } from '@confab/contracts';
import type { Kysely } from 'kysely';
import type { ReactionsStore } from '../../ports/reactions-store.js';
import { appendEvent, lockRoom } from './log.js';
import type { Database } from './schema.js';

/**
 * Sets `reactions` on each message of a page, in one query: emoji in the order each was first
 * used (of the reactions still there), and who reacted with it in the order they did. That is
 * the order a client reaches by applying the log's reaction events one by one, so a page read
 * and a live timeline agree. Deleted messages carry none; a message without any has no field.
 * The messages are changed in place (callers pass fresh objects) and returned.
 */
export async function attachReactions<M extends Message>(
  db: Kysely<Database>,
  messages: M[],
): Promise<M[]> {
  const ids = messages.filter((m) => m.deletedAt === null).map((m) => m.id);
  if (ids.length === 0) return messages;
  const rows = await db
    .selectFrom('reactions')
    .select(['message_id', 'emoji', 'user_id'])
    .where('message_id', 'in', ids)
    .orderBy('seq')
    .execute();
  // Maps keep insertion order: the first row of an emoji places it.
  const byMessage = new Map<string, Map<string, string[]>>();
  for (const row of rows) {
    let emoji = byMessage.get(row.message_id);
    if (!emoji) {
      emoji = new Map();
      byMessage.set(row.message_id, emoji);
    }
    const userIds = emoji.get(row.emoji);
    if (userIds) userIds.push(row.user_id);
    else emoji.set(row.emoji, [row.user_id]);
  }
  for (const message of messages) {
    const emoji = message.deletedAt === null ? byMessage.get(message.id) : undefined;
    if (!emoji) continue;
    message.reactions = [...emoji].map(([e, userIds]): Reaction => ({ emoji: e, userIds }));
  }
  return messages;
}

export function reactionsStore(db: Kysely<Database>): Pick<ReactionsStore, 'react'> {
  return {
    async react(change) {
      return db.transaction().execute(async (tx) => {
        // The room's lock first (see lockRoom): the reaction changes of one room run one after
        // another, so two people adding the 50th and 51st emoji at once cannot both pass the
        // limit check, and a delete of the message cannot slip in between check and insert.
        if (!(await lockRoom(tx, change.roomId))) return { status: 'not-found' as const };
        const message = await tx
          .selectFrom('messages')
          .select('deleted_at')
          .where('id', '=', change.messageId)
          .where('room_id', '=', change.roomId)
          .executeTakeFirst();
        if (!message) return { status: 'not-found' as const };
        if (message.deleted_at !== null) return { status: 'deleted' as const };
        const onMessage = await tx
          .selectFrom('reactions')
          .select(['emoji', 'user_id'])
          .where('message_id', '=', change.messageId)
          .execute();
        const mine = onMessage.filter((r) => r.user_id === change.userId);
        if (mine.some((r) => r.emoji === change.emoji) === change.on) {
          return { status: 'unchanged' as const };
        }
        if (change.on) {
          if (mine.length >= LIMITS.reactionsPerUserPerMessageMax) {
            return { status: 'too-many-mine' as const };
          }
          const emoji = new Set(onMessage.map((r) => r.emoji));
          if (!emoji.has(change.emoji) && emoji.size >= LIMITS.reactionsPerMessageMax) {
            return { status: 'too-many-emoji' as const };
          }
        }
        const event = await appendEvent(
          tx,
          change.roomId,
          change.at,
          (seq) => ({
            type: change.on ? ('reaction.added' as const) : ('reaction.removed' as const),
            roomId: change.roomId,
            seq,
            actorId: change.userId,
            at: change.at,
            messageId: change.messageId,
            emoji: change.emoji,
          }),
          change.messageId,
        );
        if (change.on) {
          await tx
            .insertInto('reactions')
            .values({
              message_id: change.messageId,
              emoji: change.emoji,
              user_id: change.userId,
              room_id: change.roomId,
              created_at: change.at,
              seq: event.seq,
            })
            .execute();
        } else {
          await tx
            .deleteFrom('reactions')
            .where('message_id', '=', change.messageId)
            .where('emoji', '=', change.emoji)
            .where('user_id', '=', change.userId)
            .execute();
        }
        return { status: 'changed' as const, event };
      });
    },
  };
}
