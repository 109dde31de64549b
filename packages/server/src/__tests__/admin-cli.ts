import { execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const API_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../apps/api');

/**
 * The admin command line bundled for one suite: admin.js and its chunks in a folder of its own
 * (inside apps/api, so native modules resolve).
 */
export async function buildAdminBundle(name: string): Promise<{ path: string; remove(): void }> {
  const dir = resolve(API_DIR, `dist/test/admin-${name}-${process.pid}`);
  await promisify(execFile)(process.execPath, ['build.mjs', '--admin', dir], { cwd: API_DIR });
  return {
    path: resolve(dir, 'admin.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface AdminRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `confab <args>` (the built bundle) with only `env` (and PATH), `stdin` piped in. */
export function runAdmin(
  bundle: string,
  env: Record<string, string>,
  args: string[],
  stdin = '',
): Promise<AdminRun> {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += String(chunk);
  });
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
