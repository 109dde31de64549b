import { writeFileSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  postgresDatabase,
  sqliteDatabase,
  TEST_POSTGRES_URL,
  type TestDatabase,
} from '../../__tests__/databases.js';
import { openFilesOn } from '../../__tests__/open-files.js';
import { createStoreFromUrl } from './store.js';

/*
 * A store that cannot start (the file is not a database, a migration fails) rejects, and
 * leaves nothing open behind it: a supervisor that retries the start would otherwise pile up
 * file handles or PostgreSQL connections until the process or the server ran out.
 */

/** A migration the code does not know, recorded as done: Kysely's migrator refuses to go on. */
const UNKNOWN_MIGRATION = '9999_from_a_newer_confab';

describe('a store that cannot start', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('SQLite: a file that is not a database is refused and closed', async () => {
    db = sqliteDatabase();
    writeFileSync(db.url, 'this is not a SQLite database, it is just text '.repeat(100));
    await expect(createStoreFromUrl(db.url)).rejects.toThrow(/not a database/);
    expect(openFilesOn(db.url)).toEqual([]);
  });

  it('SQLite: a failed migration rejects and closes the file', async () => {
    db = sqliteDatabase();
    const ready = await createStoreFromUrl(db.url);
    await ready.close();
    const raw = new Sqlite(db.url);
    raw
      .prepare('insert into kysely_migration (name, timestamp) values (?, ?)')
      .run(UNKNOWN_MIGRATION, new Date().toISOString());
    raw.close();

    await expect(createStoreFromUrl(db.url)).rejects.toThrow(
      `This database was migrated by a newer version of Confab (migration ${UNKNOWN_MIGRATION}, unknown to this one)`,
    );
    expect(openFilesOn(db.url)).toEqual([]);
  });

  it('PostgreSQL: a failed migration rejects and ends the pool', async () => {
    db = await postgresDatabase();
    const ready = await createStoreFromUrl(db.url);
    await ready.close();
    const name = new URL(db.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const direct = new pg.Client({ connectionString: db.url });
      await direct.connect();
      await direct.query('insert into kysely_migration (name, timestamp) values ($1, $2)', [
        UNKNOWN_MIGRATION,
        new Date().toISOString(),
      ]);
      await direct.end();

      await expect(createStoreFromUrl(db.url)).rejects.toThrow(
        `This database was migrated by a newer version of Confab (migration ${UNKNOWN_MIGRATION}, unknown to this one)`,
      );
      // Ended, not idle in a pool: the server lists no session on the database any more. A
      // backend leaves pg_stat_activity a moment after its client hung up (it exits on its own
      // time, and nothing tells a client when), so the count is read until it is 0, for 5 s at
      // most; a pool left open keeps its sessions listed and fails this.
      const sessions = async () => {
        const { rows } = await admin.query<{ n: string }>(
          'select count(*) as n from pg_stat_activity where datname = $1',
          [name],
        );
        return Number(rows[0]?.n);
      };
      await expect.poll(sessions, { timeout: 5000 }).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
