import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bareKysely } from '../../__tests__/bare-kysely.js';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../../__tests__/databases.js';
import { migrateToLatest } from './migrations.js';
import { queryTemplate } from './query-template.js';
import type { Database } from './schema.js';

/** Two engines open at once: one template must compile once for each. */
interface Engine {
  name: string;
  test: TestDatabase;
  db: Kysely<Database>;
  statements: string[];
}

async function open(name: 'sqlite' | 'postgres'): Promise<Engine> {
  const test = name === 'sqlite' ? sqliteDatabase() : await postgresDatabase();
  const statements: string[] = [];
  const log = (event: { level: string; query: { sql: string } }) => {
    if (event.level === 'query') statements.push(event.query.sql);
  };
  const db = bareKysely(name, test.url, log);
  await migrateToLatest(db);
  return { name, test, db, statements };
}

// The templates under test, at module level as the store's are: shared by both engines.
const userNamed = queryTemplate(['username'], (db, v: { username: string }) =>
  db.selectFrom('users').select(['id', 'display_name']).where('username', '=', v.username),
);
const renameBoth = queryTemplate(['id', 'name'], (db, v: { id: string; name: string }) =>
  db
    .updateTable('users')
    // The same value twice, and a constant of the query's own beside them.
    .set({ display_name: v.name, username: v.name, share_read_receipts: 0 })
    .where('id', '=', v.id)
    .returning(['id', 'display_name', 'share_read_receipts']),
);

describe('query templates', () => {
  const engines: Engine[] = [];
  beforeAll(async () => {
    engines.push(await open('sqlite'), await open('postgres'));
    for (const { db } of engines) {
      await db
        .insertInto('users')
        .values([
          { id: 'u1', username: 'ann', display_name: 'Ann', password_hash: 'x', created_at: 1 },
          { id: 'u2', username: 'bob', display_name: 'Bob', password_hash: 'x', created_at: 2 },
        ])
        .execute();
    }
  });
  afterAll(async () => {
    for (const { db, test } of engines) {
      await db.destroy();
      await test.drop();
    }
  });

  it('answers as the query built each time does, on each engine, in and out of transactions', async () => {
    for (const { db, name, statements } of engines) {
      const plain = await db
        .selectFrom('users')
        .select(['id', 'display_name'])
        .where('username', '=', 'bob')
        .execute();
      expect((await userNamed(db, { username: 'bob' })).rows, name).toEqual(plain);
      expect((await userNamed(db, { username: 'nobody' })).rows, name).toEqual([]);
      const inTx = await db
        .transaction()
        .execute(async (tx) => (await userNamed(tx, { username: 'ann' })).rows);
      expect(inTx, name).toEqual([{ id: 'u1', display_name: 'Ann' }]);
      // The dialect's own SQL: placeholders as the engine writes them, the same text each call.
      const texts = statements.filter((sql) => sql.includes('"username" ='));
      expect(new Set(texts).size, name).toBe(1);
      expect(texts[0], name).toContain(name === 'sqlite' ? '= ?' : '= $1');
    }
  });

  it('binds a value used twice in both places and keeps the constants of the query', async () => {
    for (const { db, name } of engines) {
      const { rows } = await renameBoth(db, { id: 'u2', name: `robert-${name}` });
      expect(rows, name).toEqual([
        { id: 'u2', display_name: `robert-${name}`, share_read_receipts: 0 },
      ]);
      const stored = await db
        .selectFrom('users')
        .select(['username', 'display_name'])
        .where('id', '=', 'u2')
        .executeTakeFirstOrThrow();
      expect(stored, name).toEqual({ username: `robert-${name}`, display_name: `robert-${name}` });
    }
  });

  it('refuses, on first use, a template that computes with a value or leaves one out', async () => {
    const [engine] = engines;
    if (!engine) throw new Error('no engine');
    const computed = queryTemplate(['name'], (db, v: { name: string }) =>
      db.selectFrom('users').select('id').where('username', '=', v.name.toUpperCase()),
    );
    await expect(async () => computed(engine.db, { name: 'ann' })).rejects.toThrow(
      /changed on its way in|not a parameter/,
    );
    const forgotten = queryTemplate(['name', 'id'], (db, v: { name: string; id: string }) =>
      db.selectFrom('users').select('id').where('username', '=', v.name),
    );
    await expect(async () => forgotten(engine.db, { name: 'ann', id: 'u1' })).rejects.toThrow(
      /id not a parameter/,
    );
  });
});
