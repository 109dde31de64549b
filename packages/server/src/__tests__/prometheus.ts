import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from './redis-server.js';

const DEPLOY_CONFIG = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../deploy/prometheus.yml',
);

/** Failure guard only: Prometheus is ready in a second or two. */
const START_GUARD_MS = 30_000;

export interface TestPrometheus {
  readonly url: string;
  /** One instant query over the HTTP API: the result's samples (labels and value). */
  query(expression: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Debian's Prometheus as a plain process (never its service), from deploy/prometheus.yml with
 * the targets replaced by `targets` and every interval set to 1 s, its data in a directory of
 * its own. Resolves once it says it is ready.
 */
export async function startPrometheus(targets: readonly string[]): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-prometheus-'));
  const config = readFileSync(DEPLOY_CONFIG, 'utf8')
    .replace(/_interval: \S+/g, '_interval: 1s')
    .replace(/- targets: \[[^\]]*\]/, `- targets: [${targets.map((t) => `'${t}'`).join(', ')}]`);
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const failed = Promise.race([
    once(child, 'exit').then(([code]) => {
      throw new Error(`prometheus exited (${code}):\n${output}`);
    }),
    once(child, 'error').then(([error]) => {
      throw (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? new Error('prometheus is not installed (scripts/test.sh installs it: ensure_prometheus)')
        : error;
    }),
  ]);
  failed.catch(() => {});
  const deadline = Date.now() + START_GUARD_MS;
  const ready = (async () => {
    for (;;) {
      const answer = await fetch(`${url}/-/ready`).catch(() => undefined);
      if (answer?.status === 200) return;
      if (Date.now() > deadline) throw new Error(`prometheus not ready in ${START_GUARD_MS} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    output: () => output,
    async query(expression) {
      const answer = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expression)}`);
      const body = (await answer.json()) as {
        status: string;
        data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
        error?: string;
      };
      if (body.status !== 'success') throw new Error(`query ${expression}: ${body.error}`);
      return (body.data?.result ?? []).map((r) => ({
        metric: r.metric,
        value: Number(r.value[1]),
      }));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
