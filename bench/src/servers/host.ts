import type { Server } from 'node:http';
import { type FromServer, isToServer } from './ipc.js';

export interface Hosted {
  /** Starts listening on 127.0.0.1 at a free port; resolves with the port. */
  listen(): Promise<number>;
  /** How many subscribers the bench room has right now; -1 when unknown. */
  subscribers(): number;
  close(): Promise<void>;
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

function send(message: FromServer): void {
  process.send?.(message);
}

/**
 * Runs a server as a child of the bench runner: reports its port when listening, answers
 * stats and gc requests over IPC, and exits on SIGTERM or when the runner goes away.
 */
export async function host(server: Hosted): Promise<void> {
  if (!process.send) throw new Error('Run this file through the bench runner (it needs IPC)');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const exit = () => process.exit(0);
    server.close().then(exit, exit);
    setTimeout(exit, 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  process.on('message', (message: unknown) => {
    if (!isToServer(message)) return;
    if (message.type === 'gc') {
      collectGarbage?.();
      send({ type: 'gc', id: message.id });
    } else {
      const cpu = process.cpuUsage();
      send({
        type: 'stats',
        id: message.id,
        cpuMicros: cpu.user + cpu.system,
        subscribers: server.subscribers(),
      });
    }
  });
  const port = await server.listen();
  send({ type: 'ready', port });
}

/**
 * Listens on 127.0.0.1:0 and resolves with the port chosen; `backlog`: the kernel's queue of
 * connections not yet accepted (Node's default, 511, when absent).
 */
export function listenLoopback(server: Server, backlog?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', ...(backlog ? { backlog } : {}) }, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('No TCP address'));
      else resolve(address.port);
    });
  });
}
