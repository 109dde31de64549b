import type { ErrorCode, RoomSummary } from '@confab/contracts';

/** What a room is called in the UI: a direct room is named after the other person. */
export function roomTitle(summary: RoomSummary): string {
  if (summary.room.kind === 'direct') return summary.peer?.displayName ?? 'Direct message';
  return summary.room.name;
}

export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Session errors: the cookie no longer opens a session, so the user must sign in again. */
export const SIGNED_OUT_CODES: ReadonlySet<ErrorCode | undefined> = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'SESSION_INVALID',
  'SESSION_EXPIRED',
  'SESSION_REVOKED',
]);
