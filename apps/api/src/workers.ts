import cluster, { type Worker } from 'node:cluster';

/** A worker that dies this soon after it started is not replaced (it would die again). */
const CRASH_LOOP_MS = 5_000;

/**
 * The primary of `WORKERS=N`: forks N worker processes that share the port (node:cluster hands
 * each connection to one of them, in turn), replaces a worker that dies, and on SIGTERM or
 * SIGINT passes the signal on and exits once every worker has drained and exited. The workers
 * share nothing but PostgreSQL and Redis, which env.ts requires for N > 1.
 */
export function runPrimary(workers: number, log: (line: string) => void): void {
  let stopping = false;
  let listening = 0;
  const startedAt = new Map<Worker, number>();

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
  };

  cluster.on('listening', (_worker, address) => {
    listening += 1;
    // One line once every worker listens: what scripts and tests wait for.
    if (listening === workers) {
      const host = address.address?.includes(':') ? `[${address.address}]` : address.address;
      log(`Confab is running at http://${host}:${address.port}  (${workers} workers)`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log(`worker ${worker.process.pid} exited (${signal ?? code})`);
    if (lived < CRASH_LOOP_MS) {
      log('it died right after it started: not replacing it; stopping');
      stop('SIGTERM');
      return;
    }
    fork();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: asking ${workers} workers to drain and exit`);
    const alive = Object.values(cluster.workers ?? {});
    if (alive.length === 0) process.exit(0);
    for (const worker of alive) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let i = 0; i < workers; i++) fork();
}
