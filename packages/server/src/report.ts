import { fallbackLogger, type Logger } from './observability/logger.js';

/**
 * Where an error nobody can be told of is logged, once, with its stack: the last line of defence
 * of every listener (HTTP request, upgrade, socket message, stream: that one client's answer
 * fails, the process lives on), an internal error a client was answered for without details,
 * and a bus publish that failed after its change was committed. `log` is the server's logger;
 * code with no server at hand (a bus handler) uses the fallback, which writes to stderr.
 */
export function reportError(where: string, error: unknown, log: Logger = fallbackLogger): void {
  try {
    log.error({ err: error, where }, `unexpected error in ${where}`);
  } catch {
    // Nothing left to tell.
  }
}
