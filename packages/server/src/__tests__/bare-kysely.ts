import Sqlite from 'better-sqlite3';
import { Kysely, type LogConfig, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../adapters/kysely/schema.js';

/**
 * Kysely straight on a test database of either engine, without the store: for tests that set up
 * a schema themselves (a migration's "before", say). The caller destroys it.
 */
export function bareKysely(
  engine: 'sqlite' | 'postgres',
  url: string,
  log?: LogConfig,
): Kysely<Database> {
  const dialect =
    engine === 'sqlite'
      ? new SqliteDialect({ database: new Sqlite(url) })
      : new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) });
  return new Kysely<Database>({ dialect, ...(log ? { log } : {}) });
}
