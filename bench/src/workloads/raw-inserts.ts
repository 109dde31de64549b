import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newClientMsgId } from '@confab/client';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { makeBody } from '../payload.js';
import { closedLoops, type LoopWindow } from './closed-loop.js';

/**
 * The shape of Confab's messages table (see packages/server/src/adapters/kysely/migrations.ts),
 * with its unique indexes: (client_msg_id, author_id) for idempotent sends, (room_id, seq). The
 * clientMsgIds are made as the SDK makes them (time-ordered), as the bench's senders do.
 */
const TABLE = 'raw_messages';
const COLUMNS =
  'id, room_id, seq, author_id, client_msg_id, body, created_at, edited_at, deleted_at';
const createTable = (int: string) => [
  `CREATE TABLE ${TABLE} (id text PRIMARY KEY, room_id text NOT NULL, seq ${int} NOT NULL,
    author_id text NOT NULL, client_msg_id text NOT NULL, body text NOT NULL,
    created_at ${int} NOT NULL, edited_at ${int}, deleted_at ${int},
    CONSTRAINT ${TABLE}_idempotency UNIQUE (client_msg_id, author_id))`,
  `CREATE UNIQUE INDEX ${TABLE}_room_seq ON ${TABLE} (room_id, seq)`,
];

export interface RawInsertOptions extends LoopWindow {
  /** Concurrent loops, one per sender. */
  loops: number;
  bodyChars: number;
}

/** One row's values: loop `loop`'s k-th message, the room's `seq`-th. */
function row(loop: number, k: number, seq: number, bodyChars: number): unknown[] {
  // Time-ordered, as Confab's message ids are (and a random primary key would cost the raw
  // driver a random leaf per insert that Confab does not pay).
  const id = newClientMsgId();
  return [id, 'room', seq, `user${loop}`, newClientMsgId(), makeBody(k, bodyChars), Date.now()];
}

/**
 * better-sqlite3 with Confab's pragmas (WAL, synchronous = NORMAL), a fresh file: `loops`
 * async loops each inserting one row per transaction. The driver is synchronous, so the loops
 * only interleave: this is the rate one thread gets out of SQLite for committed single-row
 * transactions, the ceiling for a send path that commits each message alone.
 */
export async function rawSqliteInserts(options: RawInsertOptions): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'confab-bench-raw-'));
  const db = new BetterSqlite3(join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    for (const sql of createTable('integer')) db.exec(sql);
    const insert = db.prepare(
      `INSERT INTO ${TABLE} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
    );
    const commit = db.transaction((values: unknown[]) => insert.run(values));
    let seq = 0;
    const { rate } = await closedLoops(options.loops, options, async (loop, k) => {
      seq += 1;
      commit(row(loop, k, seq, options.bodyChars));
    });
    return rate;
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * pg with a pool of `pool` connections: `loops` async loops each sending one INSERT
 * (autocommit) at a time, into a fresh table of the database at `url`.
 */
export async function rawPostgresInserts(
  url: string,
  pool: number,
  options: RawInsertOptions,
): Promise<number> {
  const connections = new pg.Pool({ connectionString: url, max: pool });
  // An idle connection the server ends is emitted here; unheard, it would crash the bench.
  connections.on('error', () => {});
  try {
    await connections.query(`DROP TABLE IF EXISTS ${TABLE}`);
    for (const sql of createTable('bigint')) await connections.query(sql);
    const insert = `INSERT INTO ${TABLE} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)`;
    let seq = 0;
    const { rate } = await closedLoops(options.loops, options, async (loop, k) => {
      seq += 1;
      await connections.query(insert, row(loop, k, seq, options.bodyChars));
    });
    await connections.query(`DROP TABLE ${TABLE}`);
    return rate;
  } finally {
    await connections.end();
  }
}
