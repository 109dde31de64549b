import { request } from 'node:http';
import WebSocket from 'ws';
import type { HttpAnswer } from './oracles.js';

/** A request is failed as a hang when it gets no answer within this (a guard, not a wait). */
export const GUARD_MS = 10_000;

export interface FuzzRequest {
  method: string;
  /** Path and query, sent as is (no encoding on the way). */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/**
 * Sends one request as a hostile client would and resolves with the answer. An event stream
 * is read up to its first frame after `connected` (data or error), then dropped: streams never
 * end by themselves. Rejects when the server drops the connection without an answer, or when
 * nothing comes within GUARD_MS.
 */
export function send(baseUrl: string, r: FuzzRequest): Promise<HttpAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (error: Error | undefined, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      req.destroy();
      if (error) reject(error);
      else resolve(answer as HttpAnswer);
    };
    const guard = setTimeout(
      () => done(new Error(`no answer within ${GUARD_MS} ms (hang)`)),
      GUARD_MS,
    );
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        // Framed explicitly: Node's client sends a GET's body unframed, and the server then reads
        // it as the start of a second request (a parse error that closes the connection).
        headers:
          r.body === undefined
            ? r.headers
            : { ...r.headers, 'Content-Length': String(Buffer.byteLength(r.body)) },
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers['content-type'] ?? '');
        let body = '';
        res.setEncoding('utf8');
        const sse = contentType.startsWith('text/event-stream') ? readSse() : undefined;
        res.on('data', (chunk: string) => {
          body += chunk;
          if (sse?.(body)) done(undefined, { status, contentType, body, sse: parseSse(body) });
        });
        res.on('end', () =>
          done(undefined, { status, contentType, body, ...(sse ? { sse: parseSse(body) } : {}) }),
        );
        res.on('error', (error) => done(new Error(`response broke off: ${error.message}`)));
      },
    );
    req.on('error', (error) => done(new Error(`connection dropped: ${error.message}`)));
    req.end(r.body);
  });
}

/** Whether an event stream has reached a frame past `connected` and pings. */
function readSse() {
  return (text: string) =>
    parseSse(text).some((f) => f.event !== 'connected' && f.event !== 'ping');
}

function parseSse(text: string): { event: string; data: string }[] {
  const complete = text.slice(0, text.lastIndexOf('\n\n') + 1);
  return complete
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      let event = '';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      return { event, data: data.join('\n') };
    });
}

export interface WsExchange {
  /** The upgrade's status when the server refused it, else undefined. */
  refused?: number;
  /** Every text frame the server sent before the exchange ended. */
  frames: string[];
  /** The close code, when the server closed the socket. */
  closeCode?: number;
}

/** The id of the request that ends an exchange: its answer comes after the fuzzed frames'. */
const SENTINEL_ID = 'fuzz-sentinel';
const SENTINEL = { id: SENTINEL_ID, method: 'mutation', params: { path: 'presence.heartbeat' } };

function isSentinelAnswer(text: string): boolean {
  try {
    return (JSON.parse(text) as { id?: unknown } | null)?.id === SENTINEL_ID;
  } catch {
    return false;
  }
}

/**
 * Opens a socket at `<base>/trpc<query>`, sends `frames` (strings as text, Buffers as binary),
 * then a sentinel request, and resolves once the sentinel is answered or the server closes
 * the socket: a synchronous protocol error comes before it, and what the fuzzed calls answer
 * later is checked while it arrives.
 */
export function wsExchange(
  baseUrl: string,
  opts: { query: string; headers: Record<string, string>; frames: (string | Buffer)[] },
): Promise<WsExchange> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/trpc${opts.query}`, {
    headers: opts.headers,
  });
  const frames: string[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (error: Error | undefined, result?: WsExchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      ws.terminate();
      if (error) reject(error);
      else resolve(result as WsExchange);
    };
    const guard = setTimeout(
      () => done(new Error(`WebSocket exchange not over within ${GUARD_MS} ms (hang)`)),
      GUARD_MS,
    );
    ws.on('unexpected-response', (_req, res) =>
      done(undefined, { refused: res.statusCode ?? 0, frames }),
    );
    ws.on('error', (error) => done(new Error(`WebSocket error: ${error.message}`)));
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? `(binary ${String(data)})` : String(data);
      frames.push(text);
      if (isSentinelAnswer(text)) done(undefined, { frames });
    });
    ws.on('close', (code) => done(undefined, { frames, closeCode: code }));
    ws.on('open', () => {
      for (const frame of opts.frames) ws.send(frame, { binary: typeof frame !== 'string' });
      ws.send(JSON.stringify(SENTINEL));
    });
  });
}
