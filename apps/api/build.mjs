// Bundles the API process into dist/main.js and the admin command line into dist/admin.js, each
// with the chunks it loads later in dist/chunks/ (or one of them into the folder given, which
// tests use so that parallel suites never run a half-written bundle; it must lie inside apps/api
// so that better-sqlite3 resolves from here). Workspace packages (TypeScript sources) are
// inlined; better-sqlite3, @node-rs/argon2 and sharp stay external because they load a native
// binding from their own folders.
//
// Split and written ASCII only (tooling/server-bundle.mjs): a lazily imported package is a chunk
// parsed only when imported (the single 6.4 MB bundle cost the idle process ~30 MiB of RSS).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { serverBundleOptions, writeAscii } from '../../tooling/server-bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// `node build.mjs` builds both into dist/; `node build.mjs <dir>` the API process alone into
// <dir>/main.js; `node build.mjs --admin <dir>` the admin command line alone into <dir>/admin.js.
const [first, second] = process.argv.slice(2);
const entries =
  first === '--admin'
    ? { admin: 'src/admin.ts' }
    : first
      ? { main: 'src/main.ts' }
      : { main: 'src/main.ts', admin: 'src/admin.ts' };
const outdir = resolve(
  first === '--admin' ? (second ?? resolve(here, 'dist')) : (first ?? resolve(here, 'dist')),
);

// Chunks of earlier builds are left in place: a process started from the previous build may
// still import its chunks (a chunk's name carries a hash of its content, so none is overwritten
// with other code).
const result = await build({
  ...serverBundleOptions,
  entryPoints: Object.fromEntries(
    Object.entries(entries).map(([name, entry]) => [name, resolve(here, entry)]),
  ),
  outdir,
  sourcemap: true,
  external: ['better-sqlite3', 'pg-native', '@node-rs/argon2', 'sharp'],
});
await writeAscii(result.outputFiles, (path) => path.endsWith('.js'));
