import type { PresenceState } from '@confab/contracts';

/** How many users' snapshots are kept at most (each is one array of shared state objects). */
export const PRESENCE_SNAPSHOTS_MAX = 2000;

interface Kept {
  max: number;
  /** The member lists the snapshot was made from, in the order of the rooms asked. */
  sources: readonly (readonly string[] | undefined)[];
  users: readonly PresenceState[];
}

/**
 * The last presence snapshot made for each user, reused for the user's other devices while
 * nothing it depends on moved: the presence view's version (any change of anyone's presence
 * moves it) and the member lists of the user's rooms (RoomMemberSets hands out the same array
 * while a room's set holds). A reconnect storm brings every device of every user back at once;
 * after the first device of each user came online, presence stops moving, and each snapshot
 * (hundreds of people, read and encoded per device) was made again per device: a tenth of the
 * storm's CPU. Kept snapshots are frozen: every device's event shares the array, and its JSON is
 * kept with it (http/snapshot-json.ts).
 */
export class PresenceSnapshots {
  #version = -1;
  readonly #kept = new Map<string, Kept>();

  constructor(private readonly maxUsers = PRESENCE_SNAPSHOTS_MAX) {}

  /**
   * Presence is at `version` now: the snapshots kept of an older one are let go at once, not at
   * the next stream's start (after a storm they would hold their lists and JSON while idle).
   */
  moved(version: number): void {
    if (version === this.#version) return;
    this.#kept.clear();
    this.#version = version;
  }

  /**
   * `userId`'s snapshot at presence `version` from `sources` (at most `max` people): the kept
   * one when it was made from the same, else `make()`'s, kept.
   */
  of(
    userId: string,
    version: number,
    max: number,
    sources: readonly (readonly string[] | undefined)[],
    make: () => PresenceState[],
  ): readonly PresenceState[] {
    this.moved(version);
    const kept = this.#kept.get(userId);
    if (kept && kept.max === max && sameLists(kept.sources, sources)) return kept.users;
    const users = Object.freeze(make());
    if (!kept && this.#kept.size >= this.maxUsers) this.#kept.clear();
    this.#kept.set(userId, { max, sources, users });
    return users;
  }
}

function sameLists(
  a: readonly (readonly string[] | undefined)[],
  b: readonly (readonly string[] | undefined)[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] || a[i] === undefined) return false;
  return true;
}
