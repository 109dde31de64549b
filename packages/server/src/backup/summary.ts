/** What a backup or restored database holds, to print and to compare. */
export interface StoreSummary {
  users: number;
  rooms: number;
  messages: number;
}

/** A backup or restore that could not be done, for a reason the operator can act on. */
export class BackupError extends Error {}

/** The kind of backup a file holds, from its first bytes. */
export function backupKind(head: Buffer): 'sqlite' | 'postgres' | undefined {
  if (head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'sqlite';
  // pg_dump's custom format (-Fc) starts with this magic.
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'postgres';
  return undefined;
}
