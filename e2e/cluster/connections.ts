import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { ClusterNode } from './cluster';

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
 * Connections nginx holds open to each node: the established TCP connections on the node's
 * port that the node's process holds (/proc/net/tcp, state 01). deploy/nginx.conf keeps no idle
 * upstream connections, so once pages are idle these are their WebSockets.
 */
export function connectionsPerNode(nodes: readonly ClusterNode[]): number[] {
  const rows = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)),
  );
  return nodes.map(({ pid, port }) => {
    let inodes: Set<string>;
    try {
      inodes = socketInodes(pid);
    } catch {
      return 0; // the process is gone
    }
    const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    return rows.filter(
      (cols) => cols[1]?.endsWith(local) && cols[3] === '01' && inodes.has(cols[9] ?? ''),
    ).length;
  });
}
