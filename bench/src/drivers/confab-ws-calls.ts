import type WebSocket from 'ws';
import { isRecord } from '../payload.js';
import { errorMessage } from './trpc-ws.js';
import { openSocket, textOf } from './ws-util.js';

/** tRPC mutations over WebSocket: what the SDK does once its stream is on a socket. */
export interface ConfabWsCalls {
  /** Sends `path` on the socket of `token` (opened at its first call) and resolves with the data. */
  mutation(path: string, input: unknown, token: string): Promise<unknown>;
  /**
   * Opens the socket of `token` and resolves once the server has signed it in (it answered a
   * query on it), as a device's socket is before its user sends.
   */
  connect(token: string): Promise<void>;
  /** Waits for every call to be answered, then closes the sockets. */
  close(): Promise<void>;
}

interface Pending {
  resolve(data: unknown): void;
  reject(error: Error): void;
}

interface Socket {
  ws: WebSocket;
  nextId: number;
  pending: Map<number, Pending>;
}

/** Longest a call may take before it fails the run. */
const CALL_TIMEOUT_MS = 30_000;

/**
 * One WebSocket per user (its token in connectionParams) to the server on `port`: each call is
 * a tRPC mutation frame, answered on the same socket, as the SDK's outbox sends. The server's
 * PINGs are answered; a socket that closes under calls fails them.
 */
export function confabWsCalls(port: number): ConfabWsCalls {
  const sockets = new Map<string, Promise<Socket>>();
  const calls = new Set<Promise<unknown>>();
  let closing = false;

  async function open(token: string): Promise<Socket> {
    const ws = await openSocket(`ws://127.0.0.1:${port}/trpc?connectionParams=1`);
    const socket: Socket = { ws, nextId: 1, pending: new Map() };
    ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
    ws.on('message', (data) => {
      const text = textOf(data);
      if (text === 'PING') return ws.send('PONG');
      const frame: unknown = JSON.parse(text);
      if (!isRecord(frame) || typeof frame.id !== 'number') return;
      const call = socket.pending.get(frame.id);
      if (!call) return;
      socket.pending.delete(frame.id);
      if (frame.error !== undefined) call.reject(new Error(errorMessage(frame.error)));
      else call.resolve(isRecord(frame.result) ? frame.result.data : undefined);
    });
    ws.on('close', () => {
      for (const call of socket.pending.values())
        call.reject(new Error(closing ? 'closed' : `socket to port ${port} closed`));
      socket.pending.clear();
    });
    return socket;
  }

  function call(
    method: 'query' | 'mutation',
    path: string,
    input: unknown,
    token: string,
  ): Promise<unknown> {
    let socket = sockets.get(token);
    if (!socket) {
      socket = open(token);
      sockets.set(token, socket);
    }
    const call = socket.then(
      (s) =>
        new Promise<unknown>((resolve, reject) => {
          const id = s.nextId++;
          const timer = setTimeout(() => {
            s.pending.delete(id);
            reject(new Error(`${path}: no answer in ${CALL_TIMEOUT_MS} ms`));
          }, CALL_TIMEOUT_MS);
          const settle = () => clearTimeout(timer);
          s.pending.set(id, {
            resolve: (data) => {
              settle();
              resolve(data);
            },
            reject: (error) => {
              settle();
              reject(error);
            },
          });
          s.ws.send(JSON.stringify({ id, method, params: { path, input } }));
        }),
    );
    calls.add(call);
    void call.then(
      () => calls.delete(call),
      () => calls.delete(call),
    );
    return call;
  }

  return {
    mutation: (path, input, token) => call('mutation', path, input, token),
    async connect(token) {
      await call('query', 'auth.me', undefined, token);
    },
    async close() {
      await Promise.allSettled([...calls]);
      closing = true;
      const opened = await Promise.allSettled(sockets.values());
      for (const o of opened) if (o.status === 'fulfilled') o.value.ws.close();
    },
  };
}
