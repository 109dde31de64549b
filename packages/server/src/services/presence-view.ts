import type { PresenceState, PresenceStatus } from '@confab/contracts';
import type { PresenceChange, PresenceReading } from '../ports/presence-directory.js';

interface Entry {
  status: PresenceStatus;
  version: number;
  /** When the user went offline (meaningful while offline). */
  at: number;
  /** What snapshots list while online or away: one object per entry, shared, never changed. */
  state: PresenceState | undefined;
}

function entry(userId: string, status: PresenceStatus, version: number, at: number): Entry {
  const state =
    status === 'offline' ? undefined : Object.freeze({ userId, status, lastSeenAt: null });
  return { status, version, at, state };
}

/**
 * One node's copy of everyone's cluster-wide presence, read synchronously by snapshots,
 * `presence.of` and offline notifications (a reconnect storm must not cost a Redis round trip
 * per device). Fed by the changes nodes announce, which arrive in any order: an entry only ever
 * moves to a higher version. Offline users stay listed with their last-seen time.
 */
export class PresenceView {
  readonly #entries = new Map<string, Entry>();
  /**
   * The version of the last rebuild: the rebuild read every change up to it, so an older change
   * arriving late (its announcement was in flight) is stale even for a user not listed.
   */
  #floor = 0;
  #version = 0;

  /**
   * Moves whenever an entry changes: snapshots read at the same version list the same states
   * (PresenceSnapshots reuses one for every device of a user while it holds).
   */
  get version(): number {
    return this.#version;
  }

  statusOf(userId: string): PresenceStatus {
    return this.#entries.get(userId)?.status ?? 'offline';
  }

  /**
   * The user's state as a snapshot lists it when online or away, else undefined. The same
   * object until the status moves: a snapshot's JSON reuses each one's encoding
   * (http/snapshot-json.ts).
   */
  presentState(userId: string): PresenceState | undefined {
    return this.#entries.get(userId)?.state;
  }

  /** When the user went offline, if this node saw it (or rebuilt it). */
  lastSeenOf(userId: string): number | undefined {
    const entry = this.#entries.get(userId);
    return entry?.status === 'offline' ? entry.at : undefined;
  }

  /**
   * Takes `change` if it is newer than what is known; true when the user's status differs from
   * before (this node's devices must hear of it), false for a stale or repeated one.
   */
  apply(change: PresenceChange): boolean {
    const known = this.#entries.get(change.userId);
    if (change.version <= (known?.version ?? this.#floor)) return false;
    const before = known?.status ?? 'offline';
    const at = change.status === 'offline' && before === 'offline' && known ? known.at : change.at;
    this.#entries.set(change.userId, entry(change.userId, change.status, change.version, at));
    this.#version += 1;
    return before !== change.status;
  }

  /**
   * Replaces what the reading covers (entries not newer than it); returns the changes this node
   * missed (its status differed from the reading's), stamped `at`, for its devices to hear.
   */
  rebuild(reading: PresenceReading, at: number): PresenceChange[] {
    const { version, present } = reading;
    this.#floor = Math.max(this.#floor, version);
    const missed: PresenceChange[] = [];
    for (const userId of new Set([...this.#entries.keys(), ...present.keys()])) {
      const known = this.#entries.get(userId);
      if (known && known.version > version) continue;
      const status = present.get(userId) ?? 'offline';
      const before = known?.status ?? 'offline';
      const seen = status === 'offline' && before === 'offline' && known ? known.at : at;
      this.#entries.set(userId, entry(userId, status, version, seen));
      this.#version += 1;
      if (before !== status) missed.push({ userId, status, version, at });
    }
    return missed;
  }
}
