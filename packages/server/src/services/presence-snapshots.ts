import type { PresenceState } from '@confab/contracts';

/**
 * How many people the kept snapshots list at most, over all users: each is a pointer in a list,
 * and ~30–60 bytes in each JSON kept with it (http/snapshot-json.ts), so about 5 MiB in all. A
 * snapshot lists up to LIMITS.presenceSnapshotMax (1,000) people.
 */
export const PRESENCE_SNAPSHOTS_MAX_PEOPLE = 50_000;

/**
 * Kept snapshots are let go once no stream has asked for one for this long (one to two of it):
 * they pay off while devices come in, in a storm; afterwards they only held memory while
 * presence stood still (on an idle server with every device connected, ~160 bytes a device in
 * the bench's rss workload: 10,000 devices of 200 users, each snapshot listing all 200).
 */
export const PRESENCE_SNAPSHOTS_IDLE_MS = 1000;

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
 * kept with it (http/snapshot-json.ts). They are let go when the storm is over, too: after
 * PRESENCE_SNAPSHOTS_IDLE_MS with no stream asking.
 */
export class PresenceSnapshots {
  #version = -1;
  readonly #kept = new Map<string, Kept>();
  /** People listed by the kept snapshots, together (what the bound limits). */
  #people = 0;
  /** A snapshot was asked for since the idle timer last looked. */
  #asked = false;
  /** Runs while snapshots are kept. */
  #idleTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly maxPeople = PRESENCE_SNAPSHOTS_MAX_PEOPLE,
    private readonly idleMs = PRESENCE_SNAPSHOTS_IDLE_MS,
  ) {}

  /**
   * Presence is at `version` now: the snapshots kept of an older one are let go at once, not at
   * the next stream's start (after a storm they would hold their lists and JSON while idle).
   */
  moved(version: number): void {
    if (version === this.#version) return;
    this.#forgetAll();
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
    this.#asked = true;
    const kept = this.#kept.get(userId);
    if (kept && kept.max === max && sameLists(kept.sources, sources)) return kept.users;
    const users = Object.freeze(make());
    if (kept) this.#people -= kept.users.length;
    // Past the bound, start over: the kept ones are as good as gone at the next change anyway.
    if (this.#people + users.length > this.maxPeople) this.#forgetAll();
    if (users.length <= this.maxPeople) {
      this.#kept.set(userId, { max, sources, users });
      this.#people += users.length;
      this.#watchIdle();
    }
    return users;
  }

  /** How many people the kept snapshots list (what the bound limits). */
  get size(): number {
    return this.#people;
  }

  /** Lets every kept snapshot go, and stops the idle timer (the node is closing). */
  close(): void {
    this.#forgetAll();
  }

  #watchIdle(): void {
    if (this.#idleTimer) return;
    this.#idleTimer = setInterval(() => {
      if (this.#asked) this.#asked = false;
      else this.#forgetAll();
    }, this.idleMs);
    this.#idleTimer.unref();
  }

  #forgetAll(): void {
    this.#kept.clear();
    this.#people = 0;
    clearInterval(this.#idleTimer);
    this.#idleTimer = undefined;
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
