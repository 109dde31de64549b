import type { ErrorCode } from '@confab/contracts';

/** The application error code of a failed call (`USERNAME_TAKEN`, `ROOM_NOT_FOUND`...). */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  if (typeof error !== 'object' || error === null || !('data' in error)) return undefined;
  const data = (error as { data?: { appCode?: ErrorCode } | null }).data;
  return data?.appCode ?? undefined;
}

/** A message fit to show a person. */
export function errorMessageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
