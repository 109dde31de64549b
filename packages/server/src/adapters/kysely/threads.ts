import type { Kysely } from 'kysely';
import type { ThreadsStore } from '../../ports/store.js';
import { noticesIn, spanBack, spanForward } from './notices.js';
import { attachReactions } from './reactions.js';
import { toMessage } from './rows.js';
import type { Database } from './schema.js';
import { inTimeline } from './timeline.js';

/** Threads, message links and reply quotes: reads of the messages table. */
export function threadsStore(db: Kysely<Database>): ThreadsStore {
  const messageOf = (roomId: string, messageId: string) =>
    db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', messageId)
      .where('room_id', '=', roomId)
      .executeTakeFirst();

  return {
    async thread(roomId, threadId, page) {
      const root = await messageOf(roomId, threadId);
      if (!root) return 'not-found';
      if (root.thread_id !== null) return 'is-reply';
      let q = db
        .selectFrom('messages')
        .selectAll()
        .where('thread_id', '=', threadId)
        .where('room_id', '=', roomId);
      if (page.beforeSeq !== undefined) q = q.where('seq', '<', page.beforeSeq);
      // Newest page first, like history; one more than asked tells whether older replies exist.
      const rows = await q
        .orderBy('seq', 'desc')
        .limit(page.limit + 1)
        .execute();
      const [rootMessage, ...replies] = await attachReactions(db, [
        toMessage(root),
        ...rows.slice(0, page.limit).reverse().map(toMessage),
      ]);
      if (!rootMessage) throw new Error('unreachable: the root is the first message');
      return { root: rootMessage, replies, hasMore: rows.length > page.limit };
    },

    async context(roomId, messageId, limit) {
      let target = await messageOf(roomId, messageId);
      // A thread-only reply is not in the timeline: show where its thread starts.
      if (target && target.thread_id !== null && Number(target.also_in_room) !== 1) {
        target = await messageOf(roomId, target.thread_id);
      }
      if (!target) return undefined;
      const timeline = db
        .selectFrom('messages')
        .selectAll()
        .where('room_id', '=', roomId)
        .where(inTimeline());
      const [before, after] = await Promise.all([
        timeline
          .where('seq', '<', target.seq)
          .orderBy('seq', 'desc')
          .limit(limit + 1)
          .execute(),
        timeline
          .where('seq', '>', target.seq)
          .orderBy('seq', 'asc')
          .limit(limit + 1)
          .execute(),
      ]);
      const rows = [...before.slice(0, limit).reverse(), target, ...after.slice(0, limit)];
      const messages = rows.map(toMessage);
      const hasMoreBefore = before.length > limit;
      const hasMoreAfter = after.length > limit;
      // From the first message (or the log's start) to the last (or the log's end), so that
      // pages back from the first and forward from the last meet this one's span.
      const span = {
        after: spanBack(messages, hasMoreBefore, undefined).after,
        before: spanForward(messages, hasMoreAfter, 0).before,
      };
      return {
        messages: await attachReactions(db, messages),
        hasMoreBefore,
        hasMoreAfter,
        notices: await noticesIn(db, roomId, span),
      };
    },

    async messagesByIds(roomId, messageIds) {
      const rows = await db
        .selectFrom('messages')
        .selectAll()
        .where('room_id', '=', roomId)
        .where('id', 'in', [...new Set(messageIds)])
        .orderBy('seq')
        .execute();
      return attachReactions(db, rows.map(toMessage));
    },
  };
}
