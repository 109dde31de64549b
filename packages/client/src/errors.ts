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

/** One field a VALIDATION refusal names, and why: as the server's `data.issues` has them. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * An input the SDK refused before sending it, by the same contracts the server checks: the same
 * `VALIDATION` code (`errorCodeOf` gives it), issues and message as the server's refusal.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly data: { appCode: 'VALIDATION'; issues: ValidationIssue[] };

  constructor(issues: ValidationIssue[]) {
    // Worded as the server's error formatter words it ("body: Message is empty").
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.data = { appCode: 'VALIDATION', issues };
  }
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
  'TOKEN_INVALID',
]);
