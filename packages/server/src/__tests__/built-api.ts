import { afterAll, beforeAll } from 'vitest';
import { type ApiProcess, buildApiBundle, startApi } from './api-process.js';
import { sqliteDatabase, type TestDatabase } from './databases.js';
import { freeLoopbackPort } from './redis-server.js';

/**
 * For one suite: the built API process (a bundle of its own) on a fresh SQLite database, started
 * before the suite's tests and stopped after them, bundle and database removed. The getters are
 * for use inside the tests.
 */
export function builtApiOnSqlite(
  name: string,
  /** More settings for the process (SEARCH_LIMITS, say). */
  env: Record<string, string> = {},
): { api(): ApiProcess; db(): TestDatabase } {
  let db: TestDatabase | undefined;
  let api: ApiProcess | undefined;
  let bundle: Awaited<ReturnType<typeof buildApiBundle>> | undefined;
  beforeAll(async () => {
    db = sqliteDatabase();
    bundle = await buildApiBundle(name);
    api = await startApi(bundle.path, {
      PORT: String(await freeLoopbackPort()),
      DATABASE_URL: db.url,
      ...env,
    });
  }, 120_000);
  afterAll(async () => {
    api?.child.kill('SIGTERM');
    await api?.exited;
    bundle?.remove();
    await db?.drop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The built API process has not started');
    return value;
  };
  return { api: () => started(api), db: () => started(db) };
}
