import type { PresenceStatus } from '@confab/contracts';
import type { PresenceDirectory } from '../ports/presence-directory.js';

/**
 * The directory of one process: this node's statuses are the cluster's. Nothing to share, no
 * node to outlive, so no upkeep.
 */
export function createMemoryPresenceDirectory(): PresenceDirectory {
  const statuses = new Map<string, 'online' | 'away'>();
  let version = 0;
  return {
    shared: false,
    reassertWithinMs: 0,
    async set(userId, status: PresenceStatus, at) {
      const before = statuses.get(userId) ?? 'offline';
      if (status === 'offline') statuses.delete(userId);
      else statuses.set(userId, status);
      version += 1;
      return before === status ? undefined : { userId, status, version, at };
    },
    async read() {
      version += 1;
      return { version, present: new Map(statuses) };
    },
    start() {},
    async close() {},
  };
}
