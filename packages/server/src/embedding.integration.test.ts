import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDatabase, type TestDatabase } from './__tests__/databases.js';

// An app embedding @confab/server picks one store. Loading the package must not load the native
// SQLite module or the PostgreSQL driver: an app on PostgreSQL should not need better-sqlite3's
// binding built (or its memory), and one on SQLite has no use for pg. Checked in a fresh Node
// process on the server bundled the way an app would use it (dependencies left to node_modules),
// by looking at which CommonJS modules Node has loaded. Nor do redis, undici, web-push, argon2 or
// the common-passwords list load before they are used (lazy-modules.ts).

const here = dirname(fileURLToPath(import.meta.url));
const serverDir = resolve(here, '..');
// Inside packages/server, so that its dependencies resolve from its node_modules.
const bundle = resolve(serverDir, `dist/test/embedding-${process.pid}.mjs`);

const CHILD = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const OPTIONAL = ['@redis/client', 'undici', 'web-push', '@node-rs/argon2', '@zxcvbn-ts/language-common'];
const loaded = () => {
  const paths = Object.keys(require.cache);
  return {
    betterSqlite3: paths.some((p) => p.includes('/node_modules/better-sqlite3/')),
    pg: paths.some((p) => p.includes('/node_modules/pg/')),
    optional: OPTIONAL.filter((name) => paths.some((p) => p.includes('/node_modules/' + name + '/'))),
  };
};
const server = await import(process.env.BUNDLE);
const afterImport = loaded();
const sqlite = await server.createStoreFromUrl(':memory:');
const afterSqliteStore = loaded();
await sqlite.close();
const postgres = await server.createStoreFromUrl(process.env.PG_URL);
const afterPostgresStore = loaded();
await postgres.close();
console.log(JSON.stringify({ exports: typeof server.createChatServer, afterImport, afterSqliteStore, afterPostgresStore }));
`;

let database: TestDatabase | undefined;

beforeAll(async () => {
  database = await postgresDatabase();
  const manifest = JSON.parse(readFileSync(resolve(serverDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  // apps/api bundles with esbuild; the server package has no bundler of its own.
  const require = createRequire(resolve(serverDir, '../../apps/api/package.json'));
  const esbuild = require('esbuild') as { build(options: object): Promise<unknown> };
  await esbuild.build({
    entryPoints: [resolve(here, 'index.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Workspace packages are TypeScript: inline them; every npm dependency stays a real import.
    external: Object.keys(manifest.dependencies).filter((name) => !name.startsWith('@confab/')),
    logLevel: 'warning',
  });
}, 120_000);

afterAll(async () => {
  rmSync(bundle, { force: true });
  await database?.drop();
});

describe('@confab/server embedded in another Node app', () => {
  it('loads better-sqlite3 only for a SQLite store and pg only for a PostgreSQL one', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', CHILD],
      {
        cwd: serverDir,
        env: {
          PATH: process.env.PATH,
          BUNDLE: pathToFileURL(bundle).href,
          PG_URL: database?.url,
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual({
      exports: 'function',
      afterImport: { betterSqlite3: false, pg: false, optional: [] },
      afterSqliteStore: { betterSqlite3: true, pg: false, optional: [] },
      afterPostgresStore: { betterSqlite3: true, pg: true, optional: [] },
    });
  }, 120_000);
});
