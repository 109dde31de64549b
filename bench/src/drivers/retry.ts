import { isRecord } from '../payload.js';

/** Error codes of a connection that broke before its answer came (Node's net, undici). */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** Whether `error`, or what caused it, is a connection reset or closed under a request. */
export function isConnectionReset(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; isRecord(e) && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && RESET_CODES.has(e.code)) return true;
  }
  return false;
}

/** Tries after the first (a reset on each of them fails the run). */
const RETRIES = 3;

/**
 * Runs `call`, again when its connection was reset before an answer, as HTTP clients do for
 * idempotent requests (the Confab SDK's outbox resends too). The usual cause: a kept-alive
 * connection the server closed when it had been idle for its keep-alive timeout, which a
 * server whose event loop lags by seconds (Confab under SSE fan-out did) does even after
 * the client reused it. Only for calls that are safe to repeat (message.send with the same
 * clientMsgId is: the server returns the first message).
 */
export async function retryOnReset<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= RETRIES || !isConnectionReset(error)) throw error;
    }
  }
}
