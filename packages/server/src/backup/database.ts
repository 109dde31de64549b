import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { backupPostgres, restorePostgres } from './postgres.js';
import { BackupError, backupKind, type StoreSummary } from './summary.js';

export interface BackupOptions {
  /** Replace an existing backup file / a database that holds data. */
  force: boolean;
  /** The environment PostgreSQL's tools run with (PATH, and any PG* settings). */
  toolEnv: Record<string, string | undefined>;
}

const isPostgres = (databaseUrl: string) => /^postgres(ql)?:\/\//.test(databaseUrl);
const sqlitePath = (databaseUrl: string) => databaseUrl.replace(/^sqlite:/, '');

/**
 * Backs up the database at DATABASE_URL into `file` while servers keep running on it: SQLite's
 * online backup API, or `pg_dump -Fc`. Written beside `file` and renamed into place once
 * complete and checked, so `file` is never a half-written backup.
 */
export async function backupDatabase(
  databaseUrl: string,
  file: string,
  options: BackupOptions,
): Promise<{ kind: 'sqlite' | 'postgres'; bytes: number; summary?: StoreSummary }> {
  if (existsSync(file) && !options.force)
    throw new BackupError(`${file} exists: choose another name, or pass --force to replace it`);
  const partial = `${file}.partial-${process.pid}`;
  try {
    let summary: StoreSummary | undefined;
    if (isPostgres(databaseUrl)) await backupPostgres(databaseUrl, partial, options.toolEnv);
    // Loaded here: it loads better-sqlite3, which an app embedding the server may not have.
    else
      summary = await (await import('./sqlite.js')).backupSqlite(sqlitePath(databaseUrl), partial);
    renameSync(partial, file);
    const kind = isPostgres(databaseUrl) ? 'postgres' : 'sqlite';
    return { kind, bytes: statSync(file).size, ...(summary ? { summary } : {}) };
  } finally {
    rmSync(partial, { force: true });
  }
}

function headOf(file: string): Buffer {
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return head;
}

/**
 * Restores a backup made by backupDatabase into the database at DATABASE_URL. The backup's kind
 * must match the database's (a SQLite file into SQLite, a pg_dump into PostgreSQL).
 */
export async function restoreDatabase(
  file: string,
  databaseUrl: string,
  options: BackupOptions,
): Promise<StoreSummary> {
  if (!existsSync(file)) throw new BackupError(`no backup file at ${file}`);
  const kind = backupKind(headOf(file));
  if (!kind) throw new BackupError(`${file} is neither a SQLite database nor a pg_dump -Fc file`);
  const target = isPostgres(databaseUrl) ? 'postgres' : 'sqlite';
  if (kind !== target)
    throw new BackupError(
      `${file} is a ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backup but DATABASE_URL is ` +
        `${target === 'sqlite' ? 'a SQLite file' : 'PostgreSQL'}: restore it into the same kind`,
    );
  return kind === 'postgres'
    ? restorePostgres(file, databaseUrl, { force: options.force }, options.toolEnv)
    : (await import('./sqlite.js')).restoreSqlite(file, sqlitePath(databaseUrl), {
        force: options.force,
      });
}
