import { join } from 'node:path';
import { build } from 'esbuild';
import { serverBundleOptions, writeAscii } from '../../../tooling/server-bundle.mjs';
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
    // As apps/api/build.mjs: split (what the server loads with import() is a chunk parsed only
    // once imported) and written ASCII only, so the idle process is measured as it runs in
    // production.
    ...serverBundleOptions,
    entryPoints: ['confab', 'raw-ws', 'socketio', 'trpc-naive'].map((name) =>
      join(BENCH_DIR, 'src', 'servers', `${name}.ts`),
    ),
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    // Native addons load their binding from their own folder; ws's optional ones may be absent.
    external: [
      'better-sqlite3',
      'pg-native',
      'bufferutil',
      'utf-8-validate',
      '@node-rs/argon2',
      'sharp',
    ],
  });
  await writeAscii(result.outputFiles, (path) => path.endsWith('.mjs'));
}
