import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const API_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../apps/api');

/** The API process, built and running. */
export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** The signal or exit code it ended with. */
  exited: Promise<NodeJS.Signals | number | null>;
  /** Everything it printed so far. */
  output(): string;
}

/**
 * Bundles the API process for one suite: a folder of its own (inside apps/api, so the native
 * modules resolve) holding main.js and its chunks, so that a suite running in parallel, or
 * someone rebuilding dist/main.js, never hands it a half-written file. Returns the entry's path,
 * the folder and its removal.
 */
export async function buildApiBundle(
  name: string,
): Promise<{ path: string; dir: string; remove(): void }> {
  const dir = resolve(API_DIR, `dist/test/${name}-${process.pid}`);
  await promisify(execFile)(process.execPath, ['build.mjs', dir], { cwd: API_DIR });
  return {
    path: resolve(dir, 'main.js'),
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Starts the built API process with `env` (and `nodeArgs` before the bundle's path) and
 * resolves once it says it listens.
 */
export async function startApi(
  bundle: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<ApiProcess> {
  const child = spawn(process.execPath, [...nodeArgs, bundle], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', WEB_DIST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let started = false;
  const exited = new Promise<NodeJS.Signals | number | null>((ok) =>
    child.once('exit', (code, signal) => {
      // A process that started and then crashed (an exit code other than 0, or a fatal signal
      // that no test sends) says what it printed last: the test that meets it sees only reset
      // connections. One that never started is the start's own failure, below.
      const crashed = (code !== null && code !== 0) || signal === 'SIGABRT' || signal === 'SIGSEGV';
      if (started && crashed)
        process.stderr.write(
          `the API process ${child.pid} exited (${signal ?? code}); its last output:\n${output.slice(-4000)}\n`,
        );
      ok(signal ?? code);
    }),
  );
  const url = await new Promise<string>((ok, fail) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /Confab is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        started = true;
        ok(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((how) => fail(new Error(`the API process exited (${how}):\n${output}`)));
  });
  return { url, child, exited, output: () => output };
}
