import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packSdk } from './packed-sdk.js';

// The examples (examples/*) as a user gets them: each copied out of the repository next to a
// sdk-tarballs/ folder of the packed SDK (the path their package.json files install from),
// installed with npm, type-checked (with their wrong-call checks) and built by their own scripts.

export const EXAMPLES_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../examples',
);
export type ExampleName = 'node-bot' | 'browser-page' | 'react-app';

export interface Run {
  status: number | null;
  output: string;
}

export function run(command: string, args: string[], cwd: string): Run {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function mustRun(command: string, args: string[], cwd: string): string {
  const { status, output } = run(command, args, cwd);
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${output}`);
  return output;
}

/** Packs the SDK into `workdir`/sdk-tarballs, once per workdir. */
export function packSdkFor(workdir: string): void {
  packSdk(join(workdir, 'sdk-tarballs'));
}

/**
 * Copies examples/`name` into `workdir` (without anything installed or built in the repo's
 * copy) and installs it with npm: from its own package.json, the SDK from the tarballs and the
 * rest from the registry (the local npm cache first). Returns the example's folder.
 */
export function installExample(workdir: string, name: ExampleName): string {
  const dir = join(workdir, name);
  const skipped = new Set(['node_modules', 'dist', 'server-dist', 'package-lock.json']);
  cpSync(join(EXAMPLES_DIR, name), dir, {
    recursive: true,
    filter: (source) => !skipped.has(basename(source)),
  });
  mustRun(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    dir,
  );
  return dir;
}

/** `npm run check` then `npm run build` in an installed example; throws with tsc's output. */
export function checkAndBuild(dir: string): void {
  mustRun('npm', ['run', '--silent', 'check'], dir);
  mustRun('npm', ['run', '--silent', 'build'], dir);
}
