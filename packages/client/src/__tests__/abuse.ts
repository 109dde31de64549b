import { readFileSync } from 'node:fs';
import type { ConnectionLimits } from '@confab/server';
import WebSocket from 'ws';
import { type ApiProcess, startApi } from './process.js';

/** The API process with its connection caps and deadlines changed (env CONNECTION_LIMITS). */
export async function startApiWithLimits(
  entry: string,
  env: { port: number; databaseUrl: string },
  limits: Partial<ConnectionLimits>,
): Promise<ApiProcess> {
  return startApi(entry, { ...env, extra: { CONNECTION_LIMITS: JSON.stringify(limits) } });
}

/** The resident set of a process, in KiB (Linux: VmRSS of /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kib);
}

/** A tRPC answer frame, as far as these tests read it. */
export interface Answer {
  id: number | string | null;
  result?: { type: string };
  error?: { message: string; data: { appCode: string; retryAfterMs?: number } };
}

/**
 * A raw tRPC WebSocket: speaks the wire protocol directly, so one test can hold thousands
 * without an SDK client each. Keeps the first answer to each request id.
 */
export interface RawSocket {
  ws: WebSocket;
  answers: Map<Answer['id'], Answer>;
  /** Sends `subscription` requests for events.onEvent, `perFrame` to a frame. */
  subscribe(ids: number[], perFrame?: number): void;
  /** Resolves once `count` ids have their first answer. */
  answered(count: number): Promise<void>;
  /** Closes and resolves when the socket has closed. */
  close(): Promise<void>;
}

/**
 * Opens a WebSocket to `wsUrl` as the bearer of `token`, from `localAddress` (any 127.x.y.z
 * is loopback on Linux: per-address caps then count this test's sockets apart from the rest).
 * Resolves once open, or with null when the server closed it before the upgrade was answered.
 */
export function rawSocket(
  wsUrl: string,
  token: string,
  localAddress = '127.0.0.1',
): Promise<RawSocket | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, {
      headers: { Authorization: `Bearer ${token}` },
      localAddress,
    });
    const answers = new Map<Answer['id'], Answer>();
    const waiters = new Set<() => void>();
    const closed = new Promise<void>((done) => ws.once('close', () => done()));
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      // The server's keep-alive is a bare PING, not JSON.
      if (text === 'PING') {
        ws.send('PONG');
        return;
      }
      const frame = JSON.parse(text) as Answer;
      if (!answers.has(frame.id)) answers.set(frame.id, frame);
      for (const check of [...waiters]) check();
    });
    // A refused connection errors (reset, hang up) and then closes: close decides.
    ws.on('error', () => {});
    ws.once('close', () => resolve(null));
    ws.once('open', () =>
      resolve({
        ws,
        answers,
        subscribe(ids, perFrame = 100) {
          for (let i = 0; i < ids.length; i += perFrame) {
            const frame = ids.slice(i, i + perFrame).map((id) => ({
              id,
              method: 'subscription',
              params: { path: 'events.onEvent', input: {} },
            }));
            ws.send(JSON.stringify(frame));
          }
        },
        answered: (count) =>
          new Promise<void>((done) => {
            const check = () => {
              if (answers.size < count) return;
              waiters.delete(check);
              done();
            };
            waiters.add(check);
            check();
          }),
        close() {
          ws.close();
          return closed;
        },
      }),
    );
  });
}
