import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const apiDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../apps/api');

/** Bundles the API process (main.js and its chunks) into a folder of this test run's own
 * (inside apps/api, so that better-sqlite3 resolves), so parallel suites never start a
 * half-written bundle. */
export function buildApi(): string {
  const dir = join(apiDir, 'dist', `test-${process.pid}-${Date.now()}`);
  execFileSync(process.execPath, [join(apiDir, 'build.mjs'), dir], { stdio: 'inherit' });
  return join(dir, 'main.js');
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts the API process and resolves once /healthz answers. */
export async function startApi(
  entry: string,
  env: { port: number; databaseUrl: string; extra?: Record<string, string> },
): Promise<ApiProcess> {
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      PORT: String(env.port),
      HOST: '127.0.0.1',
      DATABASE_URL: env.databaseUrl,
      WEB_DIST: '',
      SENDS_PER_SECOND: '100000',
      SEND_BURST: '100000',
      // The tests play every user from 127.0.0.1.
      RATE_LIMITS: JSON.stringify({ registerPerAddress: { points: 100_000, windowMs: 60_000 } }),
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = `http://127.0.0.1:${env.port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Ready when it says so on stdout (after migrations and listen), or failed when it exits.
  await new Promise<void>((ready, fail) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.startsWith('Confab is running at')) ready();
    });
    child.once('exit', (code) => fail(new Error(`API exited with ${code} before listening`)));
  });
  return {
    url,
    child,
    async kill(signal) {
      child.kill(signal);
      await exited;
    },
  };
}
