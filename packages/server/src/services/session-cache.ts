import type { User } from '@confab/contracts';
import type { Bus, BusMessage } from '../ports/bus.js';
import type { SessionRecord, Store } from '../ports/store.js';

export type SessionWithUser = { session: SessionRecord; user: User };

/** A cached session is read again from the store after this long, whatever the bus said. */
export const SESSION_CACHE_TTL_MS = 60_000;
/** Sessions cached at most; past it, the least recently read go first. */
const SESSION_CACHE_MAX = 50_000;

interface Listener {
  /** The read count when this node began to hear the user's topic. */
  since: number;
  /** Token hashes of the user's cached sessions. */
  hashes: Set<string>;
  /** When one of the user's sessions was last read: idle listeners are dropped. */
  usedAt: number;
}

/**
 * Live sessions by token hash, so an authenticated call does not read its session from the
 * store each time (that read was a quarter of a send's database work). A revoke on any node is
 * heard the way the session's streams hear it, as 'session-ended' on the user's bus topic, and
 * drops the entry at once; entries are read again after a minute anyway.
 *
 * A session is cached only when this node was already listening to its user's topic before the
 * read began: a revoke published while the read was under way would otherwise go unheard. So the
 * first call of a user reads the store and starts listening; from the second on, calls are
 * served here. Only live sessions are cached: refusals always come from the store.
 */
export function createSessionCache(deps: { store: Store; bus: Bus; now: () => number }) {
  const { store, bus, now } = deps;
  /** By token hash; a Map keeps insertion order, and an entry is re-inserted when re-read. */
  const entries = new Map<string, { found: SessionWithUser; at: number; listener: Listener }>();
  const listeners = new Map<string, Listener>();
  /** Reads begun; a listener knows which reads began after it. */
  let reads = 0;
  /** Every 'session-ended' heard: a read that overlapped one is not cached. */
  let endings = 0;
  let sweptAt = now();

  function drop(tokenHash: string): void {
    const entry = entries.get(tokenHash);
    if (!entry) return;
    entries.delete(tokenHash);
    entry.listener.hashes.delete(tokenHash);
  }

  const onUserMessage = (message: BusMessage): void => {
    if (message.kind === 'gap') {
      // A revoke may be among what the bus lost: forget everything, and cache nothing read
      // before now.
      endings += 1;
      for (const tokenHash of [...entries.keys()]) drop(tokenHash);
      for (const listener of listeners.values()) listener.since = Math.max(listener.since, reads);
      return;
    }
    if (message.kind !== 'session-ended') return;
    endings += 1;
    const listener = listeners.get(message.userId);
    if (!listener) return;
    for (const tokenHash of [...listener.hashes]) {
      if (entries.get(tokenHash)?.found.session.id === message.sessionId) drop(tokenHash);
    }
  };

  /** Stops listening for users with nothing cached and no recent read; drops expired entries. */
  function sweep(at: number): void {
    sweptAt = at;
    for (const [tokenHash, entry] of entries) {
      if (at - entry.at >= SESSION_CACHE_TTL_MS) drop(tokenHash);
    }
    for (const [userId, listener] of listeners) {
      if (listener.hashes.size === 0 && at - listener.usedAt >= SESSION_CACHE_TTL_MS) {
        listeners.delete(userId);
        bus.unsubscribe(`user:${userId}`, onUserMessage);
      }
    }
  }

  return {
    /** The session and its user, as `store.sessionWithUser` would answer now. */
    async lookup(tokenHash: string): Promise<SessionWithUser | undefined> {
      const at = now();
      const hit = entries.get(tokenHash);
      if (hit && at - hit.at < SESSION_CACHE_TTL_MS) {
        hit.listener.usedAt = at;
        return hit.found;
      }
      drop(tokenHash);
      if (at - sweptAt >= SESSION_CACHE_TTL_MS) sweep(at);

      reads += 1;
      const read = reads;
      const endingsBefore = endings;
      const found = await store.sessionWithUser(tokenHash);
      if (!found || found.session.revokedAt !== null) return found;
      const userId = found.user.id;
      const listener = listeners.get(userId);
      if (!listener) {
        // Nothing is cached for the user until the subscription is live (a networked bus
        // confirms it later): reads that begin after that are the first that may be.
        const fresh: Listener = { since: Number.POSITIVE_INFINITY, hashes: new Set(), usedAt: at };
        listeners.set(userId, fresh);
        bus.subscribe(`user:${userId}`, onUserMessage).then(
          () => {
            if (listeners.get(userId) === fresh) fresh.since = reads;
          },
          () => {
            if (listeners.get(userId) === fresh) listeners.delete(userId);
          },
        );
        return found;
      }
      listener.usedAt = at;
      if (listener.since >= read || endings !== endingsBefore) return found;
      entries.set(tokenHash, { found, at, listener });
      listener.hashes.add(tokenHash);
      if (entries.size > SESSION_CACHE_MAX) {
        const oldest = entries.keys().next();
        if (!oldest.done) drop(oldest.value);
      }
      return found;
    },

    /** Drops the session's entries on this node at once (its revoke is on the bus too). */
    forget(userId: string, sessionId: string): void {
      onUserMessage({ kind: 'session-ended', userId, sessionId });
    },

    /** How many sessions are cached (for tests). */
    get size(): number {
      return entries.size;
    },
  };
}
export type SessionCache = ReturnType<typeof createSessionCache>;
