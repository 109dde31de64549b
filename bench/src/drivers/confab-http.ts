import { Agent, request } from 'node:http';
import { isRecord } from '../payload.js';

/** The `data` of a tRPC response body, or an Error that says why there is none. */
function dataOf(path: string, status: number | undefined, payload: unknown): unknown {
  if (!isRecord(payload)) throw new Error(`${path}: HTTP ${status}, no JSON object`);
  if (payload.error !== undefined) {
    const error = payload.error;
    const message = isRecord(error) && typeof error.message === 'string' ? error.message : '';
    throw new Error(`${path}: HTTP ${status} ${message}`);
  }
  const result = payload.result;
  if (!isRecord(result)) throw new Error(`${path}: HTTP ${status}, no result`);
  return result.data;
}

function headers(token: string | undefined): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}

/** A tRPC mutation over HTTP as Confab's clients send it: POST /trpc/<path>, JSON input. */
export async function confabMutation(
  baseUrl: string,
  path: string,
  input: unknown,
  token?: string,
): Promise<unknown> {
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: 'POST',
    headers: headers(token),
    body: JSON.stringify(input),
  });
  return dataOf(path, response.status, await response.json());
}

/** A string field of a mutation's result. */
export function stringField(value: unknown, key: string): string {
  const field = isRecord(value) ? value[key] : undefined;
  if (typeof field !== 'string') throw new Error(`Expected a string ${key} in the result`);
  return field;
}

/** A number field of a call's result. */
export function numberField(value: unknown, key: string): number {
  const field = isRecord(value) ? value[key] : undefined;
  if (typeof field !== 'number') throw new Error(`Expected a number ${key} in the result`);
  return field;
}

/** tRPC calls over keep-alive connections: what a measured request loop needs. */
export interface ConfabHttp {
  mutation(path: string, input: unknown, token: string): Promise<unknown>;
  query(path: string, input: unknown, token: string): Promise<unknown>;
  /** Closes the pooled connections. */
  close(): void;
}

/** Longest a call may take before it fails the run. */
const CALL_TIMEOUT_MS = 30_000;

/**
 * tRPC over HTTP through one keep-alive `http.Agent` of up to `maxSockets` connections, so a
 * closed loop of N callers holds N connections and no request pays for a TCP handshake.
 */
export function confabHttp(port: number, maxSockets: number): ConfabHttp {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const call = (method: 'GET' | 'POST', path: string, input: unknown, token: string) =>
    new Promise<unknown>((resolve, reject) => {
      const json = JSON.stringify(input);
      const url =
        method === 'GET' ? `/trpc/${path}?input=${encodeURIComponent(json)}` : `/trpc/${path}`;
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method,
          path: url,
          headers: headers(token),
          timeout: CALL_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            let payload: unknown;
            try {
              payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              return reject(new Error(`${path}: HTTP ${res.statusCode}, not JSON`));
            }
            try {
              resolve(dataOf(path, res.statusCode, payload));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`${path}: no answer in ${CALL_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end(method === 'POST' ? json : undefined);
    });
  return {
    mutation: (path, input, token) => call('POST', path, input, token),
    query: (path, input, token) => call('GET', path, input, token),
    close: () => agent.destroy(),
  };
}
