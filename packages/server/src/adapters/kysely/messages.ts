import type { Message } from '@confab/contracts';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Observer } from '../../observability/observer.js';
import type { AppendResult, NewMessage, Store } from '../../ports/store.js';
import { createAppendBatcher } from './append-batch.js';
import { createEventDecoder } from './decoded-events.js';
import { AttachmentRefused, claimAttachments, deleteFilesOf } from './files.js';
import { appendEvent, lockRoom } from './log.js';
import { insertMentions } from './mentions.js';
import { noticesIn, spanBack, spanForward } from './notices.js';
import { queryTemplate } from './query-template.js';
import { attachReactions } from './reactions.js';
import {
  createdMessage,
  isUniqueViolation,
  NEW_MESSAGE_COLUMNS,
  type NewMessageRow,
  toEvent,
  toMessage,
} from './rows.js';
import type { Database } from './schema.js';
import { sharedReads } from './shared-reads.js';
import { checkReplyAndThread } from './thread-append.js';
import { inTimeline } from './timeline.js';

type MessagesPart = Pick<
  Store,
  'appendMessage' | 'editMessage' | 'deleteMessage' | 'history' | 'eventsAfter'
>;

/** The message an author may still change, or why they may not. */
async function changeableMessage(
  tx: Transaction<Database>,
  change: { roomId: string; messageId: string; authorId: string },
): Promise<Selectable<Database['messages']> | 'not-found' | 'not-author' | 'deleted'> {
  // The room's lock before the message row's (see lockRoom).
  if (!(await lockRoom(tx, change.roomId))) return 'not-found';
  const row = await tx
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', change.messageId)
    .where('room_id', '=', change.roomId)
    .executeTakeFirst();
  if (!row) return 'not-found';
  if (row.author_id !== change.authorId) return 'not-author';
  if (row.deleted_at !== null) return 'deleted';
  return row;
}

// The statements of a lone send, compiled once (query-template.ts); a group commit's
// multi-row statements change shape with the batch and stay plain Kysely.
const sentAs = queryTemplate(
  ['authorId', 'clientMsgId'],
  (db, v: { authorId: string; clientMsgId: string }) =>
    db
      .selectFrom('messages')
      .selectAll()
      .where('author_id', '=', v.authorId)
      .where('client_msg_id', '=', v.clientMsgId),
);
const membership = queryTemplate(
  ['roomId', 'userId'],
  (db, v: { roomId: string; userId: string }) =>
    db
      .selectFrom('members')
      .select('user_id')
      .where('room_id', '=', v.roomId)
      .where('user_id', '=', v.userId),
);
const insertMessage = queryTemplate(NEW_MESSAGE_COLUMNS, (db, row: NewMessageRow) =>
  db.insertInto('messages').values(row),
);

export function messagesStore(
  db: Kysely<Database>,
  dialect: Store['dialect'],
  /** The server observing the store (group-commit sizes, a failed group commit's log line). */
  observed: { current?: Observer | undefined } = {},
): MessagesPart {
  const decodeEvent = createEventDecoder();
  // A reconnect storm's devices each read the same page at once: one read serves them all.
  const eventsAfter = sharedReads(
    async (roomId: string, afterSeq: number, limit: number) => {
      const rows = await db
        .selectFrom('events')
        .select('payload')
        .where('room_id', '=', roomId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit + 1)
        .execute();
      return { events: rows.slice(0, limit).map(decodeEvent), hasMore: rows.length > limit };
    },
    // The numbers first: whatever a room id holds, two keys are equal only for equal reads.
    (roomId, afterSeq, limit) => `${afterSeq} ${limit} ${roomId}`,
  );

  async function byClientMsgId(
    authorId: string,
    clientMsgId: string,
  ): Promise<Message | undefined> {
    const [row] = (await sentAs(db, { authorId, clientMsgId })).rows;
    return row ? toMessage(row) : undefined;
  }

  /** One send in its own transaction (a lone send, or a batch's sends retried one by one). */
  async function appendOne(m: NewMessage): Promise<AppendResult> {
    const earlier = await byClientMsgId(m.authorId, m.clientMsgId);
    if (earlier) return { status: 'duplicate', message: earlier };
    try {
      return await db.transaction().execute(async (tx): Promise<AppendResult> => {
        const [member] = (await membership(tx, { roomId: m.roomId, userId: m.authorId })).rows;
        if (!member) return { status: 'not-member' };
        const refusal = await checkReplyAndThread(tx, m);
        if (refusal) return refusal;
        const files = await claimAttachments(tx, m);
        let created: ReturnType<typeof createdMessage> | undefined;
        await appendEvent(
          tx,
          m.roomId,
          m.at,
          (seq) => {
            created = createdMessage(m, seq, files);
            return created.event;
          },
          m.id,
        );
        if (!created) throw new Error('unreachable: appendEvent builds the message');
        const { message, event, messageRow } = created;
        await insertMessage(tx, messageRow);
        if (message.mentions || message.mentionsRoom) await insertMentions(tx, [message]);
        return { status: 'created', message, event };
      });
    } catch (error) {
      // Rolled back: nothing of the send was written.
      if (error instanceof AttachmentRefused) return error.result;
      // Two concurrent sends of one clientMsgId: the loser's insert hits the unique index and
      // its whole transaction (seq included) rolls back; answer with the winner's message.
      if (isUniqueViolation(error)) {
        const winner = await byClientMsgId(m.authorId, m.clientMsgId);
        if (winner) return { status: 'duplicate', message: winner };
      }
      throw error;
    }
  }

  const batched = createAppendBatcher(db, dialect, appendOne, observed);

  return {
    // Replies and thread replies check other rows (and move a thread's root), sends with files
    // claim them, and an @room send mentions the members there are once it holds the room's
    // lock (PostgreSQL's batch statement reads them before): each in its own transaction. Plain
    // sends, the common case, keep the group commit.
    appendMessage: (m) =>
      m.replyToId !== undefined ||
      m.threadId !== undefined ||
      (m.attachments?.length ?? 0) > 0 ||
      m.mentionsRoom === true
        ? appendOne(m)
        : batched(m),
    async editMessage(change) {
      return db.transaction().execute(async (tx) => {
        const row = await changeableMessage(tx, change);
        if (typeof row === 'string') return { status: row };
        await tx
          .updateTable('messages')
          .set({ body: change.body, edited_at: change.at })
          .where('id', '=', row.id)
          .execute();
        const event = await appendEvent(
          tx,
          change.roomId,
          change.at,
          (seq) => ({
            type: 'message.edited' as const,
            roomId: change.roomId,
            seq,
            actorId: change.authorId,
            at: change.at,
            messageId: row.id,
            body: change.body,
          }),
          row.id,
        );
        return { status: 'changed' as const, event };
      });
    },
    async deleteMessage(change) {
      return db.transaction().execute(async (tx) => {
        const row = await changeableMessage(tx, change);
        if (typeof row === 'string') return { status: row };
        await tx
          .updateTable('messages')
          // A tombstone is not pinned (its reactions go below, once the room is locked).
          .set({
            body: '',
            deleted_at: change.at,
            pinned_by: null,
            pinned_at: null,
            attachments: null,
          })
          .where('id', '=', row.id)
          .execute();
        // Its files go with it: nobody can fetch them any more.
        await deleteFilesOf(tx, [row.id]);
        // A deleted message leaves everyone's mentions view.
        await tx.deleteFrom('mentions').where('message_id', '=', row.id).execute();
        // A deleted body must not come back through "events after seq": rewrite the log
        // entries that carried it (the creation and any edits) to the tombstone.
        const carriers = await tx
          .selectFrom('events')
          .select(['seq', 'payload'])
          .where('room_id', '=', change.roomId)
          .where('message_id', '=', row.id)
          // Reaction and pin entries carry no text: they stay as they are.
          .where('type', 'in', ['message.created', 'message.edited'])
          .execute();
        for (const carrier of carriers) {
          const scrubbed = toEvent(carrier);
          if (scrubbed.type === 'message.created') {
            const { attachments: _files, ...rest } = scrubbed.message;
            scrubbed.message = { ...rest, body: '', deletedAt: change.at };
          } else if (scrubbed.type === 'message.edited') {
            scrubbed.body = '';
          }
          await tx
            .updateTable('events')
            .set({ payload: JSON.stringify(scrubbed) })
            .where('room_id', '=', change.roomId)
            .where('seq', '=', carrier.seq)
            .execute();
        }
        const event = await appendEvent(
          tx,
          change.roomId,
          change.at,
          (seq) => ({
            type: 'message.deleted' as const,
            roomId: change.roomId,
            seq,
            actorId: change.authorId,
            at: change.at,
            messageId: row.id,
          }),
          row.id,
        );
        // After appendEvent took the room's lock, which a reaction change takes first: one
        // that committed before this point is removed here, a later one finds the tombstone.
        await tx.deleteFrom('reactions').where('message_id', '=', row.id).execute();
        return { status: 'changed' as const, event };
      });
    },
    async history(roomId, page) {
      let q = db
        .selectFrom('messages')
        .selectAll()
        .where('room_id', '=', roomId)
        .where(inTimeline());
      if (page.afterSeq !== undefined) {
        // Forward from a message link's context: one more than asked tells whether newer exist.
        const newer = await q
          .where('seq', '>', page.afterSeq)
          .orderBy('seq', 'asc')
          .limit(page.limit + 1)
          .execute();
        const messages = newer.slice(0, page.limit).map(toMessage);
        const hasMore = newer.length > page.limit;
        const span = spanForward(messages, hasMore, page.afterSeq);
        return {
          messages: await attachReactions(db, messages),
          hasMore,
          notices: await noticesIn(db, roomId, span),
        };
      }
      if (page.beforeSeq !== undefined) q = q.where('seq', '<', page.beforeSeq);
      // One more than asked tells whether an older page exists.
      const rows = await q
        .orderBy('seq', 'desc')
        .limit(page.limit + 1)
        .execute();
      const hasMore = rows.length > page.limit;
      const messages = rows.slice(0, page.limit).reverse().map(toMessage);
      const span = spanBack(messages, hasMore, page.beforeSeq);
      return {
        messages: await attachReactions(db, messages),
        hasMore,
        notices: await noticesIn(db, roomId, span),
      };
    },
    eventsAfter,
  };
}
