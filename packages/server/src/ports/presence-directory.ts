import type { PresenceStatus } from '@confab/contracts';

/** A user's presence over every node, as of `version`. */
export interface PresenceChange {
  userId: string;
  status: PresenceStatus;
  /**
   * Grows with every change, cluster-wide: of two changes of one user, the higher is the later.
   * Nodes hear changes in any order; they keep the newest.
   */
  version: number;
  /** When it happened (ms since the epoch): the user's last-seen time when 'offline'. */
  at: number;
}

/** Everyone online or away, read at `version`: every change up to it is in, none after it. */
export interface PresenceReading {
  version: number;
  present: Map<string, 'online' | 'away'>;
}

/** What the directory needs from the node's presence service. */
export interface PresenceDirectoryHooks {
  /**
   * A change the directory made by itself (a dead node's users went offline, or this node's
   * statuses were written again after Redis lost them): announce it as one from `set`.
   */
  changed(change: PresenceChange): void;
  /** This node's statuses now; users left out have no device here. */
  local(): ReadonlyMap<string, PresenceStatus>;
}

/**
 * Where each node records the status of its own devices per user, and learns the status over all
 * nodes (online if a device anywhere is active, away if all are idle, offline if none is left).
 * In memory for one process; in Redis for several (adapters/redis-presence-directory.ts).
 */
export interface PresenceDirectory {
  /** Other nodes share it: changes travel between nodes on the bus's `presence` topic. */
  readonly shared: boolean;
  /**
   * After Redis comes back from an outage, every live node has written its statuses again
   * within this long: a node rebuilding its view waits that long first. 0 in one process.
   */
  readonly reassertWithinMs: number;
  /**
   * Records this node's status for the user ('offline': no device here any more) and resolves
   * with the cluster-wide change it made, if it made one. Calls from every node are serialized:
   * of two nodes changing one user at once, exactly one gets the change, and it alone
   * announces it. One node's calls take effect in the order they were made.
   */
  set(userId: string, status: PresenceStatus, at: number): Promise<PresenceChange | undefined>;
  /** Everyone online or away now (to build or rebuild a node's view). */
  read(): Promise<PresenceReading>;
  /** Starts its upkeep (heartbeats, finding dead nodes); once. */
  start(hooks: PresenceDirectoryHooks): void;
  close(): Promise<void>;
}

/** Over all nodes' statuses of one user: online beats away beats offline. */
export function clusterStatus(statuses: Iterable<string>): PresenceStatus {
  let away = false;
  for (const status of statuses) {
    if (status === 'online') return 'online';
    if (status === 'away') away = true;
  }
  return away ? 'away' : 'offline';
}
