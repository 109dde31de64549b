import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { socketOf } from '../http/frames.js';

/**
 * A WebSocket that speaks tRPC's wire protocol by hand, as any client (or attacker) can; it
 * answers the server's keep-alive PING.
 */
export interface RawSocket {
  ws: WebSocket;
  /** Sends one request frame and resolves with the answer that carries its id. */
  call(id: number, method: string, path: string, input?: unknown): Promise<RawReply>;
  /** Resolves with the next frame that carries `id` (a subscription's started/data/error). */
  next(id: number): Promise<RawReply>;
  /** Resolves with the close code once the server closes the socket. */
  closed: Promise<number>;
  close(): void;
}

export interface RawReply {
  id: number | null;
  result?: { type?: string; data?: unknown };
  error?: { message: string; data?: { appCode?: string; retryAfterMs?: number } };
}

/** Opens a socket to `<base>/trpc` with the given upgrade headers; resolves once it is open. */
export function openRawSocket(
  baseUrl: string,
  headers: Record<string, string> = {},
  query = '',
): Promise<RawSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/trpc${query}`, { headers });
  const waiting = new Map<number, ((reply: RawReply) => void)[]>();
  const early = new Map<number, RawReply[]>();
  ws.on('message', (data) => {
    const text = String(data);
    // Answered as tRPC's own client does: the server drops a socket silent for pingMs +
    // pongWaitMs (15 s), which a device that only listens would otherwise be.
    if (text === 'PING' && ws.readyState === ws.OPEN) ws.send('PONG');
    if (text === 'PING' || text === 'PONG') return;
    const reply = JSON.parse(text) as RawReply;
    const id = typeof reply.id === 'number' ? reply.id : -1;
    const resolvers = waiting.get(id);
    const resolve = resolvers?.shift();
    if (resolve) resolve(reply);
    else early.set(id, [...(early.get(id) ?? []), reply]);
  });
  const next = (id: number) =>
    new Promise<RawReply>((resolve) => {
      const queued = early.get(id)?.shift();
      if (queued) resolve(queued);
      else waiting.set(id, [...(waiting.get(id) ?? []), resolve]);
    });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        next,
        closed,
        call(id, method, path, input) {
          const answer = next(id);
          ws.send(JSON.stringify({ id, method, params: { path, input } }));
          return answer;
        },
        close: () => ws.close(),
      }),
    );
  });
}

/**
 * A client's text frame as bytes for the socket under a WebSocket, to send thousands at once:
 * final, masked (as every client frame must be) with a zero mask, so the payload is as given.
 * Up to 125 bytes of text.
 */
export function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('clientTextFrame: at most 125 bytes');
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

/** A WebSocket to the server's /trpc, open, and the socket under it (written to directly). */
export async function openRawWebSocket(
  url: string,
  localAddress?: string,
): Promise<{ ws: WebSocket; socket: Duplex }> {
  const ws = new WebSocket(
    `${url.replace('http', 'ws')}/trpc`,
    localAddress ? { localAddress } : {},
  );
  await once(ws, 'open');
  const socket = socketOf(ws);
  if (!socket) throw new Error('An open WebSocket without its socket');
  return { ws, socket };
}
