import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import type { AppendResult, NewMessage } from '../../ports/store.js';
import { type BatchPlan, firstOfEach, settleBatch } from './append-batch-plan.js';
import { createdMessage, toMessage } from './rows.js';
import type { Database } from './schema.js';

/** A send as the statement below takes it: its row, and its event's JSON in parts. */
interface Row {
  /** Its index in the batch. */
  i: number;
  id: string;
  room_id: string;
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

/** What the statement says of one send. */
interface Answer {
  i: number;
  status: 'created' | 'duplicate' | 'not-member';
  /** Created: its seq. */
  seq: number | string | null;
  /** Duplicate: the message stored earlier under its clientMsgId, as a row. */
  earlier: Selectable<Database['messages']> | null;
}

/** Where a seq goes in an event's JSON (`"seq":` is only a key: quotes in strings are escaped). */
const SEQ_SLOT = '"seq":0,';

/**
 * The whole batch as one statement, so one round trip and its own transaction. It finds the
 * sends whose clientMsgId is taken (`earlier`) and those whose author is not a member of the
 * room (`refused`); for the rest it takes each room's row lock (in id order, so two processes'
 * batches over the same rooms queue instead of deadlocking), moves its last_seq, and writes the
 * log, the messages and their mentions; it answers for every send. Sends come in as one JSON
 * parameter, so the statement's text is the same for every batch.
 *
 * The condition on `alloc` that counts `locked` names no row of the UPDATE, so PostgreSQL
 * evaluates it once, before the UPDATE reads any: the locks are taken in order first (without it
 * the UPDATE would take them in its join's order). It also makes a batch naming a room that is
 * gone write nothing at all (its sends are then retried one by one, each answered exactly).
 */
const STATEMENT = `
with m as (
  select * from json_to_recordset($1::json) as m(
    i integer, id text, room_id text, author_id text, client_msg_id text, body text,
    created_at bigint, mentions text, p1 text, p2 text, p3 text)
), earlier as (
  select m.i, messages.* from m join messages
    on messages.author_id = m.author_id and messages.client_msg_id = m.client_msg_id
), refused as (
  select m.i from m
  where not exists (select 1 from earlier where earlier.i = m.i)
    and not exists (
      select 1 from members where members.room_id = m.room_id and members.user_id = m.author_id)
), fresh as (
  select m.*, row_number() over (partition by m.room_id order by m.i) as k from m
  where not exists (select 1 from earlier where earlier.i = m.i)
    and not exists (select 1 from refused where refused.i = m.i)
), r as (
  select room_id, count(*) as n, max(created_at) as at from fresh group by room_id
), locked as materialized (
  select id from rooms where id in (select room_id from r) order by id for update
), alloc as (
  update rooms set last_seq = rooms.last_seq + r.n, last_activity_at = r.at
  from r where rooms.id = r.room_id and (select count(*) from locked) = (select count(*) from r)
  returning rooms.id, rooms.last_seq - r.n as base
), s as (
  select fresh.*, alloc.base + fresh.k as seq from fresh join alloc on alloc.id = fresh.room_id
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
select i, 'created' as status, seq, null::json as earlier from s
union all
select i, 'duplicate', null, row_to_json(earlier) from earlier
union all
select i, 'not-member', null, null from refused`;

/**
 * The row of the batch's send `i`, and its message and event as created with seq 0: the seq the
 * statement gives it is set on them afterwards.
 */
function rowOf(m: NewMessage, i: number): { row: Row; created: ReturnType<typeof createdMessage> } {
  const created = createdMessage(m, 0);
  const { messageRow, event } = created;
  const parts = JSON.stringify(event).split(SEQ_SLOT);
  const [p1, p2, p3] = parts;
  if (parts.length !== 3 || p1 === undefined || p2 === undefined || p3 === undefined) {
    throw new Error('unreachable: a created event carries two seqs');
  }
  const row: Row = {
    i,
    id: m.id,
    room_id: m.roomId,
    author_id: m.authorId,
    client_msg_id: m.clientMsgId,
    body: m.body,
    created_at: m.at,
    mentions: messageRow.mentions ?? null,
    p1: `${p1}"seq":`,
    p2: `,${p2}"seq":`,
    p3: `,${p3}`,
  };
  return { row, created };
}

/**
 * The batch's sends on PostgreSQL in one round trip. A transaction of seven statements waited
 * seven times for its answers, each behind whatever this process's event loop was doing; that
 * wait, not PostgreSQL, bounded sends. A repeat of a clientMsgId within the batch is left out
 * and answered as a retry of its first (settleBatch).
 *
 * Only plain sends come here (no reply, thread, files or @room: see messages.ts). Another
 * process may commit one of the batch's clientMsgIds while the statement runs: it then fails on
 * the unique index, writes nothing, and the batcher retries the sends one by one.
 */
export async function appendAllPostgres(
  db: Kysely<Database>,
  messages: NewMessage[],
): Promise<AppendResult[]> {
  const firstOf = firstOfEach(messages);
  const rows: Row[] = [];
  const created = new Map<number, ReturnType<typeof createdMessage>>();
  for (const i of firstOf.values()) {
    const m = messages[i];
    if (!m) continue;
    const built = rowOf(m, i);
    rows.push(built.row);
    created.set(i, built.created);
  }
  const { rows: answers } = await db.executeQuery<Answer>(
    CompiledQuery.raw(STATEMENT, [JSON.stringify(rows)]),
  );
  const plan: BatchPlan = { results: new Array(messages.length), firstOf };
  for (const { i, status, seq, earlier } of answers) {
    const built = created.get(i);
    if (status === 'created' && built) {
      const { message, event } = built;
      message.seq = Number(seq);
      event.seq = message.seq;
      plan.results[i] = { status, message, event };
    } else if (status === 'duplicate' && earlier) {
      plan.results[i] = { status, message: toMessage(earlier) };
    } else {
      plan.results[i] = { status: 'not-member' };
    }
  }
  // Unanswered: its room is gone, and the statement wrote nothing.
  for (const i of firstOf.values()) {
    if (!plan.results[i]) throw new Error('a room of the batch does not exist');
  }
  return settleBatch(messages, plan);
}
