import { readdirSync, readlinkSync } from 'node:fs';

/**
 * Files this process (worker threads included) has open under `path`: a SQLite file with its
 * -wal and -shm, say. Linux only (/proc).
 */
export function openFilesOn(path: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(path)) open.push(target);
    } catch {
      // Closed between the listing and the read (readdir's own descriptor, say).
    }
  }
  return open;
}
