import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import { fallbackLogger } from '../../observability/logger.js';
import type { Observer } from '../../observability/observer.js';
import type { AppendResult, NewMessage, Store } from '../../ports/store.js';
import { planBatch, readBatch, settleBatch } from './append-batch-plan.js';
import { appendAllPostgres } from './append-batch-postgres.js';
import { logRow } from './log.js';
import { insertMentions } from './mentions.js';
import { createdMessage } from './rows.js';
import type { Database } from './schema.js';

type Dialect = Store['dialect'];

/** Sends committed together at most; a batch is one transaction. */
const MAX_BATCH = 256;

interface Pending {
  message: NewMessage;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/**
 * Group commit for sends. While one transaction is running, the sends that arrive wait; the
 * next transaction commits all of them at once: one seq range per room, one multi-row insert
 * into the log and one into messages. A send that finds the pipeline idle waits only for the
 * end of the current turn of the event loop. Commits, not sends, were the
 * limit: on PostgreSQL every send held its room's row lock for four round trips.
 *
 * On SQLite a batch is a transaction of a few statements (each runs at once: the driver is
 * synchronous). On PostgreSQL it is one write statement after its reads
 * (append-batch-postgres.ts), a lone send included: every statement is a round trip.
 *
 * Each send's result is exactly what `appendOne` would give it. If a batch fails (another
 * process committed one of its clientMsgIds in between, say), it is rolled back whole and its
 * sends are retried one by one through `appendOne`, which knows how to answer each.
 */
export function createAppendBatcher(
  db: Kysely<Database>,
  dialect: Dialect,
  appendOne: (message: NewMessage) => Promise<AppendResult>,
  /** The server's logger and metrics, once a server observes the store. */
  observed: { current?: Observer | undefined } = {},
): (message: NewMessage) => Promise<AppendResult> {
  const queue: Pending[] = [];
  let running = false;

  async function commit(batch: NewMessage[]): Promise<Outcome[]> {
    if (batch.length > 1 || dialect === 'postgres') {
      try {
        const results =
          dialect === 'postgres'
            ? await appendAllPostgres(db, batch)
            : await db.transaction().execute((tx) => appendAllSqlite(tx, batch));
        observed.current?.metrics.batchCommitted(batch.length);
        return results.map((result) => ({ ok: true, result }));
      } catch (error) {
        // Rolled back whole: retried one by one below, each with its own answer. Said once, as
        // a batch that keeps failing (a bug in its statements) would otherwise pass for slow
        // commits.
        (observed.current?.log ?? fallbackLogger).warn(
          { err: error, sends: batch.length },
          'group commit failed; its sends are retried one by one',
        );
      }
    }
    const outcomes: Outcome[] = [];
    for (const message of batch) {
      outcomes.push(
        await appendOne(message).then(
          (result) => ({ ok: true, result }),
          (error: unknown) => ({ ok: false, error }),
        ),
      );
    }
    // A lone send is a commit of one; sends retried after a failed batch each count as one.
    for (const outcome of outcomes) if (outcome.ok) observed.current?.metrics.batchCommitted(1);
    return outcomes;
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, MAX_BATCH);
        const outcomes = await commit(batch.map((p) => p.message));
        // Idle again before anyone hears back, so a send made in response goes out at once.
        if (queue.length === 0) running = false;
        for (const [i, pending] of batch.entries()) {
          const outcome = outcomes[i];
          if (outcome?.ok) pending.resolve(outcome.result);
          else pending.reject(outcome ? outcome.error : new Error('unreachable: no outcome'));
        }
      }
    } finally {
      running = false;
    }
  }

  return (message) =>
    new Promise<AppendResult>((resolve, reject) => {
      queue.push({ message, resolve, reject });
      if (running) return;
      running = true;
      // Not at once: the sends whose requests were read in this turn of the event loop reach
      // here a few promise steps apart, and better-sqlite3 commits synchronously within those
      // steps, so starting now would commit them one by one. After this turn's promise work
      // they are all queued and commit together; a lone send waits only for that.
      setImmediate(() => void drain());
    });
}

/**
 * Moves each room's last_seq past its new messages (and its last activity to the newest of
 * them), in one statement however many rooms the batch touches: a batch of 100 direct rooms
 * made 100 statements. Returns each room's last_seq after the batch. (SQLite has one writer at
 * a time: no lock order to keep.)
 */
async function allocateSeqs(
  tx: Transaction<Database>,
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

/** The batch's sends in one SQLite transaction; results in the order of `messages`. */
async function appendAllSqlite(
  tx: Transaction<Database>,
  messages: NewMessage[],
): Promise<AppendResult[]> {
  const plan = planBatch(messages, await readBatch(tx, messages));
  const { results, toCreate } = plan;
  if (toCreate.size === 0) return settleBatch(messages, plan);
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
  const mentioning = results.flatMap((r) =>
    r?.status === 'created' && (r.message.mentions || r.message.mentionsRoom) ? [r.message] : [],
  );
  if (mentioning.length > 0) await insertMentions(tx, mentioning);
  return settleBatch(messages, plan);
}
