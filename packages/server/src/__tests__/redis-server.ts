import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A private redis-server for one suite, on a loopback port of its own, without persistence. */
export interface TestRedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** SIGKILL, as a crash would: clients see their connections reset, nothing is saved. */
  kill(): Promise<void>;
  /**
   * SIGSTOP: the server hangs with its connections open (a stalled host), so commands already
   * sent are never answered; `resume` (SIGCONT) lets it go on.
   */
  pause(): void;
  resume(): void;
  /** Starts a fresh (empty) server on the same port; resolves once it accepts connections. */
  restart(): Promise<void>;
  /** Stops the server for good (the suite's afterAll). */
  stop(): Promise<void>;
}

/** Failure guard only: a redis-server on loopback is ready in a few milliseconds. */
const START_GUARD_MS = 10_000;

/** Live servers of this test process, killed if the process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A port no one listens on right now: the kernel picks one for a listener we close at once. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** Spawns redis-server and resolves when it logs that it accepts connections. */
async function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`redis-server on port ${port} not ready in ${START_GUARD_MS} ms:\n${output}`),
      );
    }, START_GUARD_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(guard);
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(guard);
      const missing = error.code === 'ENOENT';
      reject(
        missing ? new Error('redis-server is not on PATH (scripts/test.sh installs it)') : error,
      );
    });
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      reject(new Error(`redis-server on port ${port} exited (${code ?? signal}):\n${output}`));
    });
  });
  await ready;
  // Keep draining its output so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  return child;
}

async function killed(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/**
 * Starts a private redis-server on a free loopback port (retrying on another port if one was
 * taken between choosing it and binding it).
 */
export async function startRedisServer(): Promise<TestRedisServer> {
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freeLoopbackPort();
    try {
      child = await spawnRedis(port);
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
  let current: ChildProcess = child;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => killed(current, 'SIGKILL'),
    pause: () => void current.kill('SIGSTOP'),
    resume: () => void current.kill('SIGCONT'),
    async restart() {
      await killed(current, 'SIGKILL');
      current = await spawnRedis(port);
    },
    stop: () => killed(current, 'SIGTERM'),
  };
}
