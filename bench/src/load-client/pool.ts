import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_DIR } from '../paths.js';
import { type FromLoadClient, isFromLoadClient, type ToLoadClient } from './ipc.js';

const CHILD_SCRIPT = join(BENCH_DIR, 'src', 'load-client', 'child.ts');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

type Reply<T extends FromLoadClient['type']> = Extract<FromLoadClient, { type: T }>;

/** One load-client process (child.ts), asked one thing at a time over IPC. */
export class LoadClient {
  private exitReason: string | undefined;
  private readonly exited: Promise<void>;
  private readonly listeners = new Set<(message: FromLoadClient) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: unknown) => {
      if (isFromLoadClient(message)) for (const listener of this.listeners) listener(message);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitReason = `load client exited (${signal ?? `code ${code}`})`;
        resolve();
      });
    });
  }

  /** Forks a load client through tsx and waits until it is ready. */
  static async start(): Promise<LoadClient> {
    const child = fork(CHILD_SCRIPT, [], {
      cwd: BENCH_DIR,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const client = new LoadClient(child);
    try {
      await client.next('ready', START_TIMEOUT_MS);
    } catch (error) {
      await client.stop();
      throw error;
    }
    return client;
  }

  /** Sends `request` and resolves with the reply of type `type`; rejects on exit or timeout. */
  async ask<T extends FromLoadClient['type']>(
    request: ToLoadClient,
    type: T,
    timeoutMs: number,
  ): Promise<Reply<T>> {
    const reply = this.next(type, timeoutMs);
    this.child.send(request);
    return reply;
  }

  /** Its process id (for /proc figures). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exitReason === undefined;
  }

  /** Asks it to disconnect its devices; false if it did not answer within 10 s. */
  async closeDevices(): Promise<boolean> {
    return this.ask({ type: 'close' }, 'closed', STOP_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
  }

  /** Ends the process (its devices go with it); kills it if it has not exited within 10 s. */
  async stop(): Promise<void> {
    if (this.exitReason) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    if (this.child.connected) this.child.disconnect();
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }

  private next<T extends FromLoadClient['type']>(type: T, timeoutMs: number): Promise<Reply<T>> {
    return new Promise((resolve, reject) => {
      if (this.exitReason) return reject(new Error(this.exitReason));
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`load client: no '${type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: FromLoadClient) => {
        if (message.type !== type) return;
        done();
        resolve(message as Reply<T>);
      };
      this.listeners.add(listener);
      void this.exited.then(() => {
        done();
        reject(new Error(this.exitReason));
      });
    });
  }
}

/**
 * Load-client processes kept from one run to the next (starting one through tsx takes about a
 * second), until dispose().
 */
export class LoadClientPool {
  private clients: LoadClient[] = [];

  /** `count` running load clients without devices, starting the missing ones. */
  async take(count: number): Promise<LoadClient[]> {
    this.clients = this.clients.filter((c) => c.alive);
    const missing = count - this.clients.length;
    if (missing > 0) {
      const started = await Promise.allSettled(
        Array.from({ length: missing }, () => LoadClient.start()),
      );
      for (const s of started) if (s.status === 'fulfilled') this.clients.push(s.value);
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return this.clients.slice(0, count);
  }

  /** Disconnects the devices of every client; one that does not answer is stopped and dropped. */
  async release(): Promise<void> {
    await Promise.all(
      this.clients.map(async (client) => {
        if (!(await client.closeDevices())) await this.discard(client);
      }),
    );
  }

  /** Stops `client` (with its devices) and drops it from the pool. */
  async discard(client: LoadClient): Promise<void> {
    this.clients = this.clients.filter((c) => c !== client);
    await client.stop();
  }

  async dispose(): Promise<void> {
    const clients = this.clients;
    this.clients = [];
    await Promise.all(clients.map((c) => c.stop()));
  }
}
