import type { Transaction } from 'kysely';
import type { AppendResult, NewMessage } from '../../ports/store.js';
import { lockRoom } from './log.js';
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
 * A thread reply takes the room's lock first, as edits, deletes and reactions do (see
 * lockRoom): the room's writes then run one at a time, so a delete of the root cannot slip in
 * between the check and the append, and concurrent replies each add one. The summary moves with
 * one conditional UPDATE that is also the root's check, and it is the last step, so a refusal
 * returns before anything was written.
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
  await lockRoom(tx, m.roomId);
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
