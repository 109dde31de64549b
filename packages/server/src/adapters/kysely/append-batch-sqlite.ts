import { CompiledQuery, type Selectable, type Transaction } from 'kysely';
import type { AppendResult, NewMessage } from '../../ports/store.js';
import { firstOfEach, keyOf, settleBatch } from './append-batch-plan.js';
import { logRow } from './log.js';
import { insertMentions } from './mentions.js';
import { createdMessage, NEW_MESSAGE_COLUMNS, type NewMessageRow, toMessage } from './rows.js';
import type { Database } from './schema.js';

type Tx = Transaction<Database>;

const memberKeyOf = (roomId: string, userId: string) => `${roomId}\n${userId}`;

/**
 * The batch's statements are written here rather than built with Kysely: their text depends
 * only on the batch's size, and building and compiling them (Kysely parses every row of an
 * insert's values, then walks an immutable tree of nodes) cost a batch of 50 sends more than
 * SQLite's own work on two of its five statements (bench/RESULTS.md, "The SQLite send path").
 * They go through the transaction as compiled queries, so the driver's statement cache and
 * Kysely's logging still see them.
 */
function run<R>(tx: Tx, text: string, parameters: unknown[]): Promise<R[]> {
  return tx
    .executeQuery(CompiledQuery.raw(text, parameters) as CompiledQuery<R>)
    .then((result) => result.rows);
}

/** `rows` groups of `group` (`(?, ?)`, say), comma-separated: a VALUES list. */
const repeated = (group: string, rows: number) => `${group}, `.repeat(rows - 1) + group;

/**
 * A multi-row insert into `table` naming every column it sets (so a row of every batch has the
 * same shape): the text for `rows` rows, its fixed parts made once.
 */
function insertOf(table: string, columns: readonly string[]) {
  const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `;
  const row = `(${repeated('?', columns.length)})`;
  return (rows: number) => head + repeated(row, rows);
}

const EVENT_COLUMNS = ['room_id', 'seq', 'type', 'message_id', 'payload'] as const;
const insertEvents = insertOf('events', EVENT_COLUMNS);
const insertMessages = insertOf('messages', NEW_MESSAGE_COLUMNS);

/** The rows' values in `columns` order, one flat list (the insert's parameters). */
function flatValues<Row>(rows: readonly Row[], columns: readonly (keyof Row)[]): unknown[] {
  const values: unknown[] = [];
  for (const row of rows) for (const column of columns) values.push(row[column]);
  return values;
}

/**
 * The batch's sends whose clientMsgId is taken, by key, and its (room, author) pairs that are
 * memberships. The pairs themselves go in as VALUES lists: one index probe each. (author IN ...
 * AND clientMsgId IN ... probed every combination: 10,000 for a batch of 100.)
 */
async function readBatch(tx: Tx, messages: readonly NewMessage[]) {
  // In the idempotency index's column order, so that each pair is one probe of it.
  const earlier = await run<Selectable<Database['messages']>>(
    tx,
    `select * from "messages" where (client_msg_id, author_id) in (values ${repeated(
      '(?, ?)',
      messages.length,
    )})`,
    flatValues(messages, ['clientMsgId', 'authorId']),
  );
  const memberships = new Map(messages.map((m) => [memberKeyOf(m.roomId, m.authorId), m]));
  const members = await run<{ room_id: string; user_id: string }>(
    tx,
    `select "room_id", "user_id" from "members" where (room_id, user_id) in (values ${repeated(
      '(?, ?)',
      memberships.size,
    )})`,
    flatValues([...memberships.values()], ['roomId', 'authorId']),
  );
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
  const values: unknown[] = [];
  for (const [roomId, indexes] of toCreate) {
    const at = Math.max(...indexes.map((i) => messages[i]?.at ?? 0));
    values.push(roomId, indexes.length, at);
  }
  const rows = await run<{ id: string; last_seq: number | string }>(
    tx,
    `with batch (id, n, at) as (values ${repeated(
      '(?, cast(? as bigint), cast(? as bigint))',
      toCreate.size,
    )})
    update rooms set last_seq = rooms.last_seq + batch.n, last_activity_at = batch.at
    from batch where rooms.id = batch.id
    returning rooms.id, rooms.last_seq`,
    values,
  );
  if (rows.length !== toCreate.size) throw new Error('a room of the batch does not exist');
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
    const rows: NewMessageRow[] = [];
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
    await run(tx, insertEvents(events.length), flatValues(events, EVENT_COLUMNS));
    await run(tx, insertMessages(rows.length), flatValues(rows, NEW_MESSAGE_COLUMNS));
    // @room sends do not come here (messages.ts): only @username mentions.
    const mentioning = results.flatMap((r) =>
      r?.status === 'created' && r.message.mentions ? [r.message] : [],
    );
    if (mentioning.length > 0) await insertMentions(tx, mentioning);
  }
  return settleBatch(messages, { results, firstOf });
}
