import type { RoomEvent } from '@confab/contracts';
import type { Transaction } from 'kysely';
import { queryTemplate } from './query-template.js';
import type { Database } from './schema.js';

type Tx = Transaction<Database>;

const bumpSeq = queryTemplate(['roomId', 'at'], (db, v: { roomId: string; at: number }) =>
  db
    .updateTable('rooms')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1), last_activity_at: v.at }))
    .where('id', '=', v.roomId)
    .returning('last_seq'),
);

const insertLogRow = queryTemplate(
  ['room_id', 'seq', 'type', 'message_id', 'payload'],
  (db, row: Database['events']) => db.insertInto('events').values(row),
);

/**
 * Allocates the room's next seq. The UPDATE takes the room row's write lock, so concurrent
 * appends to one room queue here and each sees the previous one's committed seq; the whole
 * transaction rolls back on failure, so no seq is ever skipped.
 */
export async function nextSeq(tx: Tx, roomId: string, at: number): Promise<number> {
  const [row] = (await bumpSeq(tx, { roomId, at })).rows;
  if (!row) throw new Error(`no room ${roomId} to append to`);
  return Number(row.last_seq);
}

/**
 * Takes the room row's write lock without moving anything (a no-op UPDATE). Writes that also
 * lock a message row (edits, deletes, a thread reply moving its root's summary) take the room's
 * lock first, as nextSeq would later: one lock order everywhere, so on PostgreSQL they queue
 * instead of deadlocking. False when there is no such room.
 */
export async function lockRoom(tx: Tx, roomId: string): Promise<boolean> {
  const result = await tx
    .updateTable('rooms')
    .set((eb) => ({ last_seq: eb.ref('last_seq') }))
    .where('id', '=', roomId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Appends one entry to the room's log; build() receives the seq it will have. */
export async function appendEvent<E extends RoomEvent>(
  tx: Tx,
  roomId: string,
  at: number,
  build: (seq: number) => E,
  messageId: string | null = null,
): Promise<E> {
  const event = build(await nextSeq(tx, roomId, at));
  await insertLogRow(tx, logRow(event, messageId));
  return event;
}

/** A room event as its row in the log. */
export function logRow(event: RoomEvent, messageId: string | null): Database['events'] {
  return {
    room_id: event.roomId,
    seq: event.seq,
    type: event.type,
    message_id: messageId,
    payload: JSON.stringify(event),
  };
}
