import { CompiledQuery, type Kysely } from 'kysely';
import type { AppendResult, NewMessage } from '../../ports/store.js';
import { planBatch, readBatch, settleBatch } from './append-batch-plan.js';
import { createdMessage } from './rows.js';
import type { Database } from './schema.js';

/** A send to create as the statement below takes it: its row, and its event's JSON in parts. */
interface Row {
  id: string;
  room_id: string;
  /** Its place among the batch's sends to the room, from 1: its seq is the room's base + k. */
  k: number;
  author_id: string;
  client_msg_id: string;
  body: string;
  created_at: number;
  /** The ids named with @username, as JSON (@room sends do not come here: see messages.ts). */
  mentions: string | null;
  /** The event's JSON around its two seqs (the event's and its message's). */
  p1: string;
  p2: string;
  p3: string;
}

/** Where a seq goes in an event's JSON (`"seq":` is only a key: quotes in strings are escaped). */
const SEQ_SLOT = '"seq":0,';

/**
 * The whole write as one statement, so one round trip and its own transaction: each room's row
 * lock (taken in id order, so two processes' batches over the same rooms queue instead of
 * deadlocking), the seqs, the log, the messages and their mentions. Sends to create come in as
 * one JSON parameter, so the statement's text is the same for every batch.
 *
 * The condition on `alloc` that counts `locked` names no row of the UPDATE, so PostgreSQL
 * evaluates it once, before the UPDATE reads any: the locks are taken in order first (without it
 * the UPDATE would take them in its join's order). It also makes a batch naming a room that is
 * gone write nothing at all (its sends are then retried one by one, each answered exactly).
 */
const WRITE = `
with m as (
  select * from json_to_recordset($1::json) as m(
    id text, room_id text, k bigint, author_id text, client_msg_id text, body text,
    created_at bigint, mentions text, p1 text, p2 text, p3 text)
), r as (
  select room_id, count(*) as n, max(created_at) as at from m group by room_id
), locked as materialized (
  select id from rooms where id in (select room_id from r) order by id for update
), alloc as (
  update rooms set last_seq = rooms.last_seq + r.n, last_activity_at = r.at
  from r where rooms.id = r.room_id and (select count(*) from locked) = (select count(*) from r)
  returning rooms.id, rooms.last_seq - r.n as base
), s as (
  select m.*, alloc.base + m.k as seq from m join alloc on alloc.id = m.room_id
), logged as (
  insert into events (room_id, seq, type, message_id, payload)
  select room_id, seq, 'message.created', id, p1 || seq || p2 || seq || p3 from s
), stored as (
  insert into messages (id, room_id, seq, author_id, client_msg_id, body, created_at, mentions)
  select id, room_id, seq, author_id, client_msg_id, body, created_at, mentions from s
), mentioned as (
  insert into mentions (user_id, message_id, room_id, created_at)
  select named.user_id, s.id, s.room_id, s.created_at
  from s cross join lateral json_array_elements_text(s.mentions::json) as named(user_id)
)
select id, base from alloc`;

/** The row of one send to create, at its place `k` in its room. */
function rowOf(m: NewMessage, k: number): Row {
  const { messageRow, event } = createdMessage(m, 0);
  const parts = JSON.stringify(event).split(SEQ_SLOT);
  const [p1, p2, p3] = parts;
  if (parts.length !== 3 || p1 === undefined || p2 === undefined || p3 === undefined) {
    throw new Error('unreachable: a created event carries two seqs');
  }
  return {
    id: m.id,
    room_id: m.roomId,
    k,
    author_id: m.authorId,
    client_msg_id: m.clientMsgId,
    body: m.body,
    created_at: m.at,
    mentions: messageRow.mentions ?? null,
    p1: `${p1}"seq":`,
    p2: `,${p2}"seq":`,
    p3: `,${p3}`,
  };
}

/**
 * The batch's sends on PostgreSQL in two round trips: the reads (two at once), then the write
 * as one statement. A transaction of seven statements waited seven times for its answers, each
 * behind whatever this process's event loop was doing; that wait, not PostgreSQL, bounded sends.
 *
 * Only plain sends come here (no reply, thread, files or @room: see messages.ts). Between the
 * reads and the write another process may commit one of the batch's clientMsgIds: the write
 * then fails on the unique index, writes nothing, and the batcher retries the sends one by one.
 */
export async function appendAllPostgres(
  db: Kysely<Database>,
  messages: NewMessage[],
): Promise<AppendResult[]> {
  const plan = planBatch(messages, await readBatch(db, messages));
  if (plan.toCreate.size === 0) return settleBatch(messages, plan);
  const rows: Row[] = [];
  for (const indexes of plan.toCreate.values()) {
    for (const [k, i] of indexes.entries()) {
      const m = messages[i];
      if (m) rows.push(rowOf(m, k + 1));
    }
  }
  const { rows: bases } = await db.executeQuery<{ id: string; base: number | string }>(
    CompiledQuery.raw(WRITE, [JSON.stringify(rows)]),
  );
  if (bases.length !== plan.toCreate.size) throw new Error('a room of the batch does not exist');
  for (const { id, base } of bases) {
    for (const [k, i] of (plan.toCreate.get(id) ?? []).entries()) {
      const m = messages[i];
      if (!m) continue;
      const { message, event } = createdMessage(m, Number(base) + k + 1);
      plan.results[i] = { status: 'created', message, event };
    }
  }
  return settleBatch(messages, plan);
}
