import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The socket inodes process `pid` holds open (Linux: its /proc/<pid>/fd links). */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // Closed while we looked.
    }
  }
  return inodes;
}

/**
 * Established TCP connections to local `port` that process `pid` holds (Linux: its socket
 * descriptors matched against /proc/net/tcp{,6}, where state 01 is ESTABLISHED); 0 once the
 * process is gone. How the cluster tests see which process a proxy or node:cluster gave a
 * device to, without asking the processes.
 */
export function connectionsHeld(pid: number, port: number): number {
  let inodes: Set<string>;
  try {
    inodes = socketInodes(pid);
  } catch {
    return 0;
  }
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let held = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(local) && cols[3] === '01' && inodes.has(cols[9] ?? '')) held += 1;
    }
  }
  return held;
}
