// Bundles the API process into dist/main.js and the admin command line into dist/admin.js, each
// with the chunks it loads later in dist/chunks/ (or one of them into the folder given, which
// tests use so that parallel suites never run a half-written bundle; it must lie inside apps/api
// so that better-sqlite3 resolves from here). Workspace packages (TypeScript sources) are
// inlined; better-sqlite3, @node-rs/argon2 and sharp stay external because they load a native
// binding from their own folders.
//
// Code splitting: what the server imports with import() (redis, pg, undici, web-push, the
// common-passwords list; see packages/server/src/lazy-modules.ts) becomes a chunk of its own,
// read and compiled only when imported. In one file, V8 would still hold and parse all of it at
// start: the single 6.4 MB bundle cost the idle process ~30 MiB of RSS.
//
// ASCII only: esbuild escapes non-ASCII characters in strings, regexps and identifiers but keeps
// them in the comments it carries over (an en dash in a JSDoc). One such character makes V8 hold
// the whole source as UTF-16, twice the bytes: 2.5 MB more heap for main.js alone. They are
// escaped too (in a comment, `\u{2013}` is as inert as the dash).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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
  entryPoints: Object.fromEntries(
    Object.entries(entries).map(([name, entry]) => [name, resolve(here, entry)]),
  ),
  outdir,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: ['better-sqlite3', 'pg-native', '@node-rs/argon2', 'sharp'],
  // Bundled CommonJS dependencies call require() for Node built-ins (every chunk gets this).
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
  write: false,
});

const asciiOnly = (text) =>
  text.replace(/[\u0080-\u{10ffff}]/gu, (char) => `\\u{${char.codePointAt(0).toString(16)}}`);
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.path.endsWith('.js') ? asciiOnly(file.text) : file.contents);
}
