import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request as a hostile client would send it: any method, path, headers and body,
 * nothing checked or encoded on the way. Rejects when the server drops the connection.
 */
export function rawRequest(
  baseUrl: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    /** The client's address (127.0.0.x are all this machine's). */
    localAddress?: string;
  },
): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The error data of a tRPC error answer (`{ error: { message, data } }`). */
export function errorOf(answer: RawAnswer): { message: string; appCode: unknown } {
  const parsed = JSON.parse(answer.body) as {
    error?: { message: string; data?: { appCode?: unknown } };
  };
  if (!parsed.error) throw new Error(`expected an error, got ${answer.body.slice(0, 200)}`);
  return { message: parsed.error.message, appCode: parsed.error.data?.appCode };
}

/**
 * A raw TCP connection: resolves with everything the server sent once it closes the
 * connection (or with what came within `untilMs`, after which the test closes it).
 */
export function rawExchange(
  baseUrl: string,
  bytes: string,
  untilMs = 5_000,
): Promise<{ received: string; closedByServer: boolean }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received, closedByServer: false });
    }, untilMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, closedByServer: true });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (bytes) socket.write(bytes);
  });
}
