import { getTRPCErrorFromUnknown } from '@trpc/server';
import { reportError } from '../report.js';
import type { Logger } from './logger.js';

/**
 * Logs an error a client is answered for, when it is an internal one (the client hears only
 * "Internal server error"): with the stack of what was thrown, not of tRPC's wrapper. Refusals
 * (validation, auth, limits, draining) are answers, not errors, and are not logged.
 */
export function logIfInternal(log: Logger, where: string, error: unknown): void {
  const trpcError = getTRPCErrorFromUnknown(error);
  if (trpcError.code !== 'INTERNAL_SERVER_ERROR') return;
  reportError(where, trpcError.cause ?? trpcError, log);
}
