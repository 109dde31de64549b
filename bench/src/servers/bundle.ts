import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { BENCH_DIR } from '../paths.js';

/**
 * Server processes run from an esbuild bundle, as Confab's api process does in production
 * (apps/api/build.mjs), not through tsx. tsx keeps function names (esbuild's keepNames), which
 * wraps every closure in a name-setting call that gives it its own property store: about 2 KiB
 * more per connected device for Confab, whose per-device state is closures, and nothing for
 * peers whose per-connection code is plain JavaScript from npm. Bundling every server the same
 * way keeps the comparison fair.
 */
const OUT_DIR = join(BENCH_DIR, 'node_modules', '.cache', 'confab-bench-servers');

let built: Promise<void> | undefined;

/** The bundle of src/servers/<name>.ts, built (once per bench process) on first use. */
export async function serverBundle(name: string): Promise<string> {
  built ??= bundleAll();
  await built;
  return join(OUT_DIR, `${name}.mjs`);
}

async function bundleAll(): Promise<void> {
  const result = await build({
    entryPoints: ['confab', 'raw-ws', 'socketio', 'trpc-naive'].map((name) =>
      join(BENCH_DIR, 'src', 'servers', `${name}.ts`),
    ),
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    // As apps/api/build.mjs: what the server loads with import() (redis, pg, undici, web-push...)
    // becomes a chunk of its own, parsed only once imported, so the idle process is measured
    // as it runs in production.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Native addons load their binding from their own folder; ws's optional ones may be absent.
    external: [
      'better-sqlite3',
      'pg-native',
      'bufferutil',
      'utf-8-validate',
      '@node-rs/argon2',
      'sharp',
    ],
    // Bundled CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
    write: false,
  });
  // ASCII only, as apps/api/build.mjs writes it: a non-ASCII character esbuild leaves in a
  // comment would make V8 hold the whole source as UTF-16 (twice the bytes).
  for (const file of result.outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(
      file.path,
      file.path.endsWith('.mjs') ? escapeNonAscii(file.text) : file.contents,
    );
  }
}

/** `text` with each non-ASCII character as a `\u{...}` escape (only comments still hold any). */
const escapeNonAscii = (text: string) =>
  text.replace(/[\u0080-\u{10ffff}]/gu, (char) => `\\u{${char.codePointAt(0)?.toString(16)}}`);
