import type { ErrorCode } from '@confab/contracts';

interface ErrorDataShape {
  appCode?: ErrorCode;
  retryAfterMs?: number;
}

function dataOf(error: unknown): ErrorDataShape | undefined {
  if (typeof error !== 'object' || error === null || !('data' in error)) return undefined;
  const data = (error as { data?: ErrorDataShape | null }).data;
  return data ?? undefined;
}

/**
 * The application error code of a failed call (`USERNAME_TAKEN`, `ROOM_NOT_FOUND`...), or
 * undefined when the server never answered (network down, connection lost).
 */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  return dataOf(error)?.appCode;
}

/** For RATE_LIMITED: how long to wait before trying again. */
export function retryAfterMsOf(error: unknown): number | undefined {
  return dataOf(error)?.retryAfterMs;
}

/** A message fit to show a person. */
export function errorMessageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Codes after which reconnecting cannot help: the session is gone. */
export const SESSION_ENDED_CODES: ReadonlySet<ErrorCode> = new Set([
  'UNAUTHENTICATED',
  'SESSION_INVALID',
  'SESSION_EXPIRED',
  'SESSION_REVOKED',
]);
