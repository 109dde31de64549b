import type { Kysely } from 'kysely';
import type { RetentionStore } from '../../ports/data-lifecycle-store.js';
import type { Database } from './schema.js';

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
        // The cut: the newest message created before the cutoff (by the index on
        // room_id, created_at). Everything up to its seq goes, whatever its kind, so the log
        // left is contiguous from the new start.
        const newest = await tx
          .selectFrom('messages')
          .select('seq')
          .where('room_id', '=', roomId)
          .where('created_at', '<', olderThan)
          .orderBy('created_at', 'desc')
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        const cut = newest ? Number(newest.seq) : 0;
        if (cut < start) return { events: 0, messages: 0, startSeq: start, done: true };
        const upTo = Math.min(cut, start + maxRows - 1);
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
          done: upTo === cut,
        };
      });
    },
  };
}
