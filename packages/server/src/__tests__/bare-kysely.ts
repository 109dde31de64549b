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

/**
 * For a migration's "before": users `userIds` (each its id as username) and room `r1` (its log
 * at seq 3) with every one of them a member, written straight to a schema migrated to 0009 or
 * later.
 */
export async function writeRoomOfUsers(
  kysely: Kysely<Database>,
  userIds: readonly string[],
  at: number,
): Promise<void> {
  await kysely
    .insertInto('users')
    .values(
      userIds.map((id) => ({
        id,
        username: id,
        display_name: id,
        password_hash: 'x',
        created_at: at,
      })),
    )
    .execute();
  await kysely
    .insertInto('rooms')
    .values({
      id: 'r1',
      kind: 'public',
      name: 'old',
      topic: '',
      created_at: at,
      last_seq: 3,
      last_activity_at: at,
      direct_key: null,
    })
    .execute();
  await kysely
    .insertInto('members')
    .values(
      userIds.map((userId) => ({
        room_id: 'r1',
        user_id: userId,
        role: 'member',
        joined_at: at,
        last_read_seq: 0,
        joined_seq: 0,
      })),
    )
    .execute();
}
