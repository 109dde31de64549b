import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { BackupError, type StoreSummary } from './summary.js';

/**
 * Pages per backup step: all of them. The online backup API copies a step inside one read
 * transaction; a write by another connection between steps makes it start over, so a server
 * sending all the time could keep a step-by-step backup restarting. One step is one consistent
 * snapshot, and WAL mode lets the server keep writing while it is read.
 */
const ALL_PAGES = 0x7fffffff;

// better-sqlite3 is required when a SQLite backup or restore runs, not when @confab/server loads:
// a bundler hoists a static import of it (even from a module only imported dynamically), and an
// app on PostgreSQL should not load, or need, the native module.
const requireDriver = createRequire(import.meta.url);

function open(path: string, readonly: boolean): BetterSqlite3.Database {
  const Sqlite = requireDriver('better-sqlite3') as typeof BetterSqlite3;
  const db = new Sqlite(path, { fileMustExist: true, readonly });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Counts in a Confab database file; refuses a file that is not one (or is damaged). */
function summarize(path: string): StoreSummary {
  const db = open(path, false);
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${path} is damaged: ${String(check)}`);
    const tables = db
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'kysely_migration'")
      .get() as { n: number };
    if (tables.n === 0) throw new BackupError(`${path} is not a Confab database`);
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { users: count('users'), rooms: count('rooms'), messages: count('messages') };
  } finally {
    db.close();
  }
}

/**
 * Copies a live SQLite database to `target` with SQLite's online backup API (a consistent
 * snapshot while the server keeps writing), then makes the copy a single self-contained file
 * (rollback journal, not WAL) and checks it.
 */
export async function backupSqlite(source: string, target: string): Promise<StoreSummary> {
  if (!existsSync(source)) throw new BackupError(`no SQLite database at ${source}`);
  const db = open(source, false);
  try {
    await db.backup(target, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  const copy = open(target, false);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  return summarize(target);
}

/** Whether a SQLite file holds any table: a database someone uses, not a fresh one. */
function holdsTables(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = open(path, false);
  try {
    return (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n > 0;
  } finally {
    db.close();
  }
}

/**
 * Writes a backup into the database at `target` with the online backup API (which takes the
 * target's locks, so even a file in use is replaced whole or not at all). Refused when the
 * target already holds tables, unless `force`: a server running on it would see its data
 * replaced under it.
 */
export async function restoreSqlite(
  backup: string,
  target: string,
  options: { force: boolean },
): Promise<StoreSummary> {
  if (!existsSync(backup)) throw new BackupError(`no backup file at ${backup}`);
  summarize(backup);
  if (!options.force && holdsTables(target))
    throw new BackupError(
      `${target} already holds a database (a server may be running on it): restore into a ` +
        'new path, or stop every server using it and pass --force to replace it',
    );
  const source = open(backup, true);
  try {
    await source.backup(target, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
  return summarize(target);
}
