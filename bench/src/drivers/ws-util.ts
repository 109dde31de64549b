import WebSocket, { type RawData } from 'ws';

/** How many connections are opened at once (the listen backlog stays far from full). */
const CONNECT_CONCURRENCY = 64;

/**
 * Runs fn(0..count-1), at most `limit` at a time; rejects with the first failure, once the
 * calls under way have ended (none starts after a failure, so nothing is left opening).
 */
export async function forEachLimit(
  count: number,
  limit: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < count && !failed) {
      const i = next++;
      try {
        await fn(i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, count) }, worker));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Opens `count` connections with `open(i)`, a few at a time. */
export async function openMany<T>(count: number, open: (i: number) => Promise<T>): Promise<T[]> {
  const opened: T[] = new Array<T>(count);
  await forEachLimit(count, CONNECT_CONCURRENCY, async (i) => {
    opened[i] = await open(i);
  });
  return opened;
}

export function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * Opens a WebSocket, from `localAddress` when given (a loopback address of its own gives a load
 * client its own range of ephemeral ports); rejects on error or after `timeoutMs`.
 */
export function openSocket(
  url: string,
  timeoutMs = 15_000,
  localAddress?: string,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      ...(localAddress ? { localAddress } : {}),
    });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`Timed out connecting to ${url}`));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      ws.removeAllListeners('error');
      resolve(ws);
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Resolves when `ready` is called, rejects after `timeoutMs` with `what`. */
export function waitFor(
  what: string,
  timeoutMs: number,
  start: (ready: () => void, fail: (e: Error) => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), timeoutMs);
    start(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Closes the sockets and waits for each to finish closing (terminates stragglers). */
export async function closeSockets(sockets: readonly WebSocket[], timeoutMs = 5000): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, timeoutMs);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close();
        }),
    ),
  );
}

/** Reports a socket's errors, and its closing unless the bench closed it, to `fail`. */
export function guard(
  ws: WebSocket,
  what: string,
  fail: (reason: string) => void,
  closing: () => boolean,
): void {
  ws.on('error', (error) => fail(`${what}: ${error.message}`));
  ws.on('close', (code, reason) => {
    if (!closing()) fail(`${what} closed (${code} ${textOf(reason)})`);
  });
}
