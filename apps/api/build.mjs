// Bundles the API process into dist/main.js and the admin command line into dist/admin.js (or one
// of them to the path given, which tests use so that parallel suites never run a half-written
// bundle; it must lie inside apps/api so that better-sqlite3 resolves from here). Workspace packages
// (TypeScript sources) are inlined; better-sqlite3, @node-rs/argon2 and sharp stay external because
// they load a native binding from their own folders.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

// `node build.mjs` builds both; `node build.mjs <out>` the API process alone;
// `node build.mjs --admin <out>` the admin command line alone (tests, each to a file of its own).
const [first, second] = process.argv.slice(2);
const targets =
  first === '--admin'
    ? [{ entry: 'src/admin.ts', out: resolve(second ?? resolve(here, 'dist/admin.js')) }]
    : first
      ? [{ entry: 'src/main.ts', out: resolve(first) }]
      : [
          { entry: 'src/main.ts', out: resolve(here, 'dist/main.js') },
          { entry: 'src/admin.ts', out: resolve(here, 'dist/admin.js') },
        ];

for (const { entry, out } of targets)
  await build({
    entryPoints: [resolve(here, entry)],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    external: ['better-sqlite3', 'pg-native', '@node-rs/argon2', 'sharp'],
    // Bundled CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
