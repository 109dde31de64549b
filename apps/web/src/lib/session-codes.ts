import type { ErrorCode } from '@confab/contracts';

/** Session errors: the cookie no longer opens a session, so the user must sign in again. */
export const SIGNED_OUT_CODES: ReadonlySet<ErrorCode | undefined> = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'SESSION_INVALID',
  'SESSION_EXPIRED',
  'SESSION_REVOKED',
]);
