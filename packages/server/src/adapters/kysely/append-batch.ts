import type { Kysely } from 'kysely';
import { fallbackLogger } from '../../observability/logger.js';
import type { Observer } from '../../observability/observer.js';
import type { AppendResult, NewMessage, Store } from '../../ports/store.js';
import { appendAllPostgres } from './append-batch-postgres.js';
import { appendAllSqlite } from './append-batch-sqlite.js';
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
 * On SQLite a batch is a transaction of a few statements (append-batch-sqlite.ts). On
 * PostgreSQL, where every statement is a round trip, it is one statement
 * (append-batch-postgres.ts), and a lone send takes it too.
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
