import { type Insertable, sql, type Transaction } from 'kysely';
import type { AppendResult, NewMessage } from '../../ports/store.js';
import { firstOfEach, keyOf, settleBatch } from './append-batch-plan.js';
import { logRow } from './log.js';
import { insertMentions } from './mentions.js';
import { createdMessage, toMessage } from './rows.js';
import type { Database } from './schema.js';

type Tx = Transaction<Database>;

const memberKeyOf = (roomId: string, userId: string) => `${roomId}\n${userId}`;

/**
 * The batch's sends whose clientMsgId is taken, by key, and its (room, author) pairs that are
 * memberships. The pairs themselves go in as VALUES lists: one index probe each. (author IN ...
 * AND clientMsgId IN ... probed every combination: 10,000 for a batch of 100.)
 */
async function readBatch(tx: Tx, messages: readonly NewMessage[]) {
  // In the idempotency index's column order, so that each pair is one probe of it.
  const pairs = sql.join(messages.map((m) => sql`(${m.clientMsgId}, ${m.authorId})`));
  const earlier = await tx
    .selectFrom('messages')
    .selectAll()
    .where(sql<boolean>`(client_msg_id, author_id) in (values ${pairs})`)
    .execute();
  const memberships = new Map(messages.map((m) => [memberKeyOf(m.roomId, m.authorId), m]));
  const authors = sql.join([...memberships.values()].map((m) => sql`(${m.roomId}, ${m.authorId})`));
  const members = await tx
    .selectFrom('members')
    .select(['room_id', 'user_id'])
    .where(sql<boolean>`(room_id, user_id) in (values ${authors})`)
    .execute();
  return {
    earlier: new Map(
      earlier.map((row) => [
        keyOf({ authorId: row.author_id, clientMsgId: row.client_msg_id }),
        row,
      ]),
    ),
    members: new Set(members.map((row) => memberKeyOf(row.room_id, row.user_id))),
  };
}

/**
 * Moves each room's last_seq past its new messages (and its last activity to the newest of
 * them), in one statement however many rooms the batch touches: a batch of 100 direct rooms
 * made 100 statements. Returns each room's last_seq after the batch. (SQLite has one writer at
 * a time: no lock order to keep.)
 */
async function allocateSeqs(
  tx: Tx,
  toCreate: ReadonlyMap<string, readonly number[]>,
  messages: readonly NewMessage[],
): Promise<Map<string, number>> {
  const roomIds = [...toCreate.keys()];
  const values = sql.join(
    roomIds.map((roomId) => {
      const indexes = toCreate.get(roomId) ?? [];
      const at = Math.max(...indexes.map((i) => messages[i]?.at ?? 0));
      return sql`(${roomId}, cast(${indexes.length} as bigint), cast(${at} as bigint))`;
    }),
  );
  const { rows } = await sql<{ id: string; last_seq: number | string }>`
    with batch (id, n, at) as (values ${values})
    update rooms set last_seq = rooms.last_seq + batch.n, last_activity_at = batch.at
    from batch where rooms.id = batch.id
    returning rooms.id, rooms.last_seq`.execute(tx);
  if (rows.length !== roomIds.length) throw new Error('a room of the batch does not exist');
  return new Map(rows.map((row) => [row.id, Number(row.last_seq)]));
}

/**
 * The batch's sends in one SQLite transaction of a few statements (each runs at once: the
 * driver is synchronous); results in the order of `messages`.
 */
export async function appendAllSqlite(tx: Tx, messages: NewMessage[]): Promise<AppendResult[]> {
  const { earlier, members } = await readBatch(tx, messages);
  const firstOf = firstOfEach(messages);
  const results: (AppendResult | undefined)[] = new Array(messages.length);
  const toCreate = new Map<string, number[]>(); // room → indexes, in arrival order
  for (const [i, m] of messages.entries()) {
    const key = keyOf(m);
    const row = earlier.get(key);
    if (row) results[i] = { status: 'duplicate', message: toMessage(row) };
    else if (firstOf.get(key) !== i)
      continue; // a repeat: settled below
    else if (!members.has(memberKeyOf(m.roomId, m.authorId))) results[i] = { status: 'not-member' };
    else {
      const indexes = toCreate.get(m.roomId);
      if (indexes) indexes.push(i);
      else toCreate.set(m.roomId, [i]);
    }
  }
  if (toCreate.size > 0) {
    const events: Database['events'][] = [];
    const rows: Insertable<Database['messages']>[] = [];
    const lastSeqs = await allocateSeqs(tx, toCreate, messages);
    for (const [roomId, indexes] of toCreate) {
      let seq = (lastSeqs.get(roomId) ?? 0) - indexes.length;
      for (const i of indexes) {
        const m = messages[i];
        if (!m) continue;
        seq += 1;
        const created = createdMessage(m, seq);
        results[i] = { status: 'created', message: created.message, event: created.event };
        events.push(logRow(created.event, m.id));
        rows.push(created.messageRow);
      }
    }
    await tx.insertInto('events').values(events).execute();
    await tx.insertInto('messages').values(rows).execute();
    // @room sends do not come here (messages.ts): only @username mentions.
    const mentioning = results.flatMap((r) =>
      r?.status === 'created' && r.message.mentions ? [r.message] : [],
    );
    if (mentioning.length > 0) await insertMentions(tx, mentioning);
  }
  return settleBatch(messages, { results, firstOf });
}
