import { connectionsHeld } from '../../packages/server/src/__tests__/proc-connections';
import type { ClusterNode } from './cluster';

/**
 * Connections nginx holds open to each node: the established TCP connections on the node's
 * port that the node's process holds. deploy/nginx.conf keeps no idle upstream connections, so
 * once pages are idle these are their WebSockets.
 */
export function connectionsPerNode(nodes: readonly ClusterNode[]): number[] {
  return nodes.map(({ pid, port }) => connectionsHeld(pid, port));
}
