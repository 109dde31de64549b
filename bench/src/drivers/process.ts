import { type ChildProcess, fork } from 'node:child_process';
import { BENCH_DIR } from '../paths.js';
import { procCpuMicros, procRssBytes } from '../proc.js';
import { serverBundle } from '../servers/bundle.js';
import type { FromServer, ToServer } from '../servers/ipc.js';

/** A server under test, running in its own process. */
export interface ServerHandle {
  readonly pid: number;
  readonly port: number;
  /** User + system CPU the server process has used, in microseconds. */
  cpuMicros(): Promise<number>;
  /** Subscribers of the bench room as the server counts them; -1 when it cannot tell. */
  subscribers(): Promise<number>;
  rssBytes(): Promise<number>;
  /** A full garbage collection in the server (it runs with --expose-gc). */
  gc(): Promise<void>;
  /** Why the process is gone, once it is. */
  exitReason(): string | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  args?: string[];
  /** 'ipc': process.cpuUsage() reported by the server; 'proc': utime + stime from /proc. */
  cpuFrom: 'ipc' | 'proc';
  startTimeoutMs?: number;
}

type Reply = Extract<FromServer, { id: number }>;

/** Forks the bundle of src/servers/<name>.ts and resolves once it listens. */
export async function startServer(name: string, options: StartOptions): Promise<ServerHandle> {
  const child: ChildProcess = fork(await serverBundle(name), options.args ?? [], {
    cwd: BENCH_DIR,
    execArgv: [
      '--expose-gc',
      ...(process.env.BENCH_SERVER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${name}`);
  let exitReason: string | undefined;
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (reply: Reply) => void; reject: (e: Error) => void }
  >();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = `${name} server exited (${signal ?? `code ${code}`})`;
      for (const waiter of pending.values()) waiter.reject(new Error(exitReason));
      pending.clear();
      resolve();
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} server did not start`)),
      options.startTimeoutMs ?? 30_000,
    );
    child.on('message', (message: FromServer) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port);
      } else {
        pending.get(message.id)?.resolve(message);
        pending.delete(message.id);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(exitReason));
    });
  });

  const ask = (type: ToServer['type']): Promise<Reply> =>
    new Promise((resolve, reject) => {
      if (exitReason) return reject(new Error(exitReason));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ type, id } satisfies ToServer);
    });
  const stats = async () => {
    const reply = await ask('stats');
    if (reply.type !== 'stats') throw new Error(`Unexpected reply ${reply.type}`);
    return reply;
  };

  return {
    pid,
    port,
    cpuMicros: async () =>
      options.cpuFrom === 'proc' ? procCpuMicros(pid) : (await stats()).cpuMicros,
    subscribers: async () => (await stats()).subscribers,
    rssBytes: () => procRssBytes(pid),
    gc: async () => {
      await ask('gc');
    },
    exitReason: () => exitReason,
    async stop() {
      if (exitReason) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `count` servers started at once by `start`; if one fails, the others are stopped. */
export async function startAll(
  count: number,
  start: () => Promise<ServerHandle>,
): Promise<ServerHandle[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, start));
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failed.reason;
  }
  return servers;
}
