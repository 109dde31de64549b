import type { Kysely, Transaction } from 'kysely';
import type { RetentionStore } from '../../ports/data-lifecycle-store.js';
import type { Database } from './schema.js';

/**
 * Where this step cuts the room's log: up to its last message older than `olderThan` that comes
 * before the first one that is not, at most `maxRows` seqs from `start`. Read by seq, in the
 * window of seqs this step may delete and the message after it: no index on the messages' time
 * is kept for retention alone (every send would write it; migration 0016). A message is never
 * deleted while it is younger than the retention, even when the clocks of the nodes that
 * stored it disagree and a later seq carries an older time: the cut stops before it.
 */
async function cutOf(
  tx: Transaction<Database>,
  roomId: string,
  window: { start: number; olderThan: number; maxRows: number },
): Promise<{ upTo: number; done: boolean }> {
  const { start, olderThan, maxRows } = window;
  const end = start + maxRows - 1;
  const inRoom = tx.selectFrom('messages').select('seq').where('room_id', '=', roomId);
  /** The last message from `start` up to `last` (all of them old), else `start - 1`. */
  const lastMessageUpTo = async (last: number) => {
    const row = await inRoom
      .where('seq', '>=', start)
      .where('seq', '<=', last)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.seq) : start - 1;
  };
  const firstYoung = await inRoom
    .where('seq', '>=', start)
    .where('seq', '<=', end)
    .where('created_at', '>=', olderThan)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  // Every message before the first young one (in the window) is old.
  if (firstYoung) return { upTo: await lastMessageUpTo(Number(firstYoung.seq) - 1), done: true };
  // Every message of the window is old. The whole window goes (its other entries too) only if
  // the message after it is old as well; otherwise the cut is the window's last message.
  const next = await inRoom
    .select('created_at')
    .where('seq', '>', end)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  if (next && Number(next.created_at) < olderThan) return { upTo: end, done: false };
  return { upTo: await lastMessageUpTo(end), done: true };
}

export function retentionStore(db: Kysely<Database>): RetentionStore {
  return {
    async setRoomRetention(roomId, retentionDays) {
      const result = await db
        .updateTable('rooms')
        .set({ retention_days: retentionDays })
        .where('id', '=', roomId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async roomRetention(roomId) {
      const row = await db
        .selectFrom('rooms')
        .select(['retention_days', 'history_start'])
        .where('id', '=', roomId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        retentionDays: row.retention_days === null ? null : Number(row.retention_days),
        startSeq: Number(row.history_start),
      };
    },
    async historyStart(roomId) {
      const row = await db
        .selectFrom('rooms')
        .select('history_start')
        .where('id', '=', roomId)
        .executeTakeFirst();
      return Number(row?.history_start ?? 1);
    },
    async retentionRooms({ afterId, limit, all }) {
      let query = db.selectFrom('rooms').select(['id', 'retention_days']);
      if (afterId !== undefined) query = query.where('id', '>', afterId);
      if (!all) query = query.where('retention_days', 'is not', null);
      const rows = await query.orderBy('id').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id,
        retentionDays: r.retention_days === null ? null : Number(r.retention_days),
      }));
    },
    async truncateRoomLog(roomId, { olderThan, maxRows }) {
      return db.transaction().execute(async (tx) => {
        // A no-op write first: it takes the room row's lock (PostgreSQL) or the write lock
        // (SQLite) before anything is read, so a concurrent run of the same room waits here and
        // then reads the start this one left; appends to the room wait on the same lock.
        const room = await tx
          .updateTable('rooms')
          .set((eb) => ({ history_start: eb.ref('history_start') }))
          .where('id', '=', roomId)
          .returning('history_start')
          .executeTakeFirst();
        if (!room) return { events: 0, messages: 0, startSeq: 1, done: true };
        const start = Number(room.history_start);
        const { upTo, done } = await cutOf(tx, roomId, { start, olderThan, maxRows });
        if (upTo < start) return { events: 0, messages: 0, startSeq: start, done: true };
        const events = await tx
          .deleteFrom('events')
          .where('room_id', '=', roomId)
          .where('seq', '<=', upTo)
          .executeTakeFirst();
        // What hangs off the messages that go (their reactions, who they named) goes with them.
        const gone = tx
          .selectFrom('messages')
          .select('id')
          .where('room_id', '=', roomId)
          .where('seq', '<=', upTo);
        await tx.deleteFrom('reactions').where('message_id', 'in', gone).execute();
        await tx.deleteFrom('mentions').where('message_id', 'in', gone).execute();
        // Their files go with them (rows and bytes).
        const files = tx.selectFrom('files').select('id').where('message_id', 'in', gone);
        await tx.deleteFrom('file_chunks').where('file_id', 'in', files).execute();
        await tx.deleteFrom('files').where('message_id', 'in', gone).execute();
        const messages = await tx
          .deleteFrom('messages')
          .where('room_id', '=', roomId)
          .where('seq', '<=', upTo)
          .executeTakeFirst();
        await tx
          .updateTable('rooms')
          .set({ history_start: upTo + 1 })
          .where('id', '=', roomId)
          .execute();
        return {
          events: Number(events.numDeletedRows),
          messages: Number(messages.numDeletedRows),
          startSeq: upTo + 1,
          done,
        };
      });
    },
  };
}
