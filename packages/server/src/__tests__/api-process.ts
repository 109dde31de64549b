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
 * Bundles the API process for one suite: a bundle of its own (inside apps/api, so the native
 * modules resolve), so that a suite running in parallel, or someone rebuilding dist/main.js,
 * never hands it a half-written file. Returns the path and its removal.
 */
export async function buildApiBundle(name: string): Promise<{ path: string; remove(): void }> {
  const path = resolve(API_DIR, `dist/test/${name}-${process.pid}.js`);
  await promisify(execFile)(process.execPath, ['build.mjs', path], { cwd: API_DIR });
  return {
    path,
    remove() {
      rmSync(path, { force: true });
      rmSync(`${path}.map`, { force: true });
    },
  };
}

/** Starts the built API process with `env` and resolves once it says it listens. */
export async function startApi(bundle: string, env: Record<string, string>): Promise<ApiProcess> {
  const child = spawn(process.execPath, [bundle], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', WEB_DIST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((ok) =>
    child.once('exit', (code, signal) => ok(signal ?? code)),
  );
  let output = '';
  const url = await new Promise<string>((ok, fail) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /Confab is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) ok(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((how) => fail(new Error(`the API process exited (${how}):\n${output}`)));
  });
  return { url, child, exited, output: () => output };
}
