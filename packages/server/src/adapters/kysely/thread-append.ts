import type { Transaction } from 'kysely';
import type { AppendResult, NewMessage } from '../../ports/store.js';
import type { Database } from './schema.js';

type Refusal = Extract<
  AppendResult,
  { status: 'reply-not-found' | 'thread-not-found' | 'thread-is-reply' | 'thread-deleted' }
>;

/**
 * The reply and thread checks of a send, in its transaction, before it appends: the message
 * replied to must be in the room, and a thread's root must be a message of the room's timeline
 * that is not deleted. A thread reply also moves its root's summary (count, newest reply) here.
 *
 * The summary moves with one conditional UPDATE that is also the root's check: on PostgreSQL
 * it waits for the root's row lock, so a delete of the root committed meanwhile is seen (the
 * condition is evaluated again on the new row) and concurrent replies each add one. It is the
 * last step, so a refusal returns before anything was written. Lock order is the root's row,
 * then the room's (nextSeq), as in edits and deletes, so the two never deadlock.
 */
export async function checkReplyAndThread(
  tx: Transaction<Database>,
  m: NewMessage,
): Promise<Refusal | undefined> {
  if (m.replyToId !== undefined) {
    const original = await tx
      .selectFrom('messages')
      .select('id')
      .where('id', '=', m.replyToId)
      .where('room_id', '=', m.roomId)
      .executeTakeFirst();
    if (!original) return { status: 'reply-not-found' };
  }
  if (m.threadId === undefined) return undefined;
  const moved = await tx
    .updateTable('messages')
    .set((eb) => ({
      reply_count: eb('reply_count', '+', 1),
      last_reply_at: m.at,
      last_reply_author_id: m.authorId,
    }))
    .where('id', '=', m.threadId)
    .where('room_id', '=', m.roomId)
    .where('thread_id', 'is', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) === 1) return undefined;
  // Not moved: say why.
  const root = await tx
    .selectFrom('messages')
    .select(['thread_id', 'deleted_at'])
    .where('id', '=', m.threadId)
    .where('room_id', '=', m.roomId)
    .executeTakeFirst();
  if (!root) return { status: 'thread-not-found' };
  if (root.thread_id !== null) return { status: 'thread-is-reply' };
  return { status: 'thread-deleted' };
}
