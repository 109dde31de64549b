// Bundles the API process into dist/main.js (or the path given as the first argument, which
// tests use so that parallel suites never run a half-written bundle; it must lie inside
// apps/api so that better-sqlite3 resolves from here). Workspace packages
// (TypeScript sources) are inlined; better-sqlite3 and @node-rs/argon2 stay external because
// they load a native binding from their own folders.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

await build({
  entryPoints: [resolve(here, 'src/main.ts')],
  outfile: resolve(process.argv[2] ?? resolve(here, 'dist/main.js')),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: ['better-sqlite3', 'pg-native', '@node-rs/argon2'],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
