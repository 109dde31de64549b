import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApiProcess, startApi } from '../../packages/server/src/__tests__/api-process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** An installed, built example (see global-setup.ts). */
export function exampleDir(name: 'browser-page' | 'react-app'): string {
  const dir = process.env.CONFAB_EXAMPLES_DIR;
  if (!dir) throw new Error('CONFAB_EXAMPLES_DIR is unset: run with -c examples.config.ts');
  return join(dir, name);
}

/** The built API process (apps/api) over a fresh SQLite file, serving no web app. */
export async function startConfab(env: Record<string, string>) {
  const data = mkdtempSync(join(tmpdir(), 'confab-examples-db-'));
  const api: ApiProcess = await startApi(resolve(root, 'apps/api/dist/main.js'), {
    PORT: '0',
    DATABASE_URL: join(data, 'confab.db'),
    LOG_LEVEL: 'warn',
    ...env,
  });
  return {
    url: api.url,
    async stop() {
      api.child.kill('SIGTERM');
      await api.exited;
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** A process of an example, started and resolved once its output matches `ready`. */
export async function startProcess(options: {
  args: string[];
  cwd: string;
  env: Record<string, string>;
  ready: RegExp;
}) {
  const child: ChildProcess = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  let output = '';
  await new Promise<void>((ok, fail) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      if (options.ready.test(output)) ok();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => fail(new Error(`${options.args.join(' ')} exited:\n${output}`)));
  });
  return {
    /** Everything it printed so far. */
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Registers a Confab account straight through the API (tRPC over HTTP: a JSON POST). */
export async function registerUser(apiUrl: string, username: string, password: string) {
  const response = await fetch(`${apiUrl}/trpc/auth.register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, displayName: username, password }),
  });
  if (!response.ok) throw new Error(`register ${username}: HTTP ${response.status}`);
}
