import type { RoomHead, Store } from '../ports/store.js';

/**
 * How many member ids the sets hold at most, over all rooms, by default (each room's set holds
 * at least its one member, so this bounds the rooms too); about 6 MiB of strings. The least
 * recently used rooms go first; a room larger than this is read each time instead.
 */
export const MEMBER_SETS_MAX_IDS = 100_000;

/** The rooms a set is wanted for: their ids and the membersVersion read with them. */
export type VersionedRoom = Pick<RoomHead, 'id' | 'membersVersion'>;

interface Entry {
  /** A version read before `userIds` were: the set is at least this new. */
  version: number;
  userIds: readonly string[];
}

/**
 * The members of rooms, kept between the streams that ask for them: each stream that starts
 * (a reconnect storm after a restart is thousands at once) sends a presence snapshot of
 * everyone who shares a room with its user, and reading that from the store per device cost
 * a join of every member of every room of the user.
 *
 * Never stale for the caller: the caller passes each room's `membersVersion` as it read it
 * (Store.roomSeqsOf), and a set is used only if it is at least that new; joins, leaves and
 * removals each move the version in the transaction that makes them (see RoomHead). So it
 * needs no invalidation, on this node or from others: every node compares with the shared
 * store's version. Reads for one room already under way are shared, not repeated.
 */
export class RoomMemberSets {
  /** In use order, the least recent first (a Map iterates in insertion order). */
  readonly #entries = new Map<string, Entry>();
  #ids = 0;
  /** Loads under way, per room, with the version they will be stored at. */
  readonly #loading = new Map<string, { version: number; done: Promise<void> }>();

  constructor(
    private readonly store: Pick<Store, 'memberSetsOf'>,
    private readonly maxIds = MEMBER_SETS_MAX_IDS,
  ) {}

  /** Everyone but `userId` who is a member of one of `rooms` (the user's own rooms). */
  async peersOf(userId: string, rooms: readonly VersionedRoom[]): Promise<string[]> {
    return peersIn(userId, rooms, await this.setsOf(userId, rooms));
  }

  /**
   * The member lists of `rooms` (of `userId`'s own rooms), fresh enough. While a room's set is
   * kept, the same array each time: a caller may keep what it made of it (PresenceSnapshots).
   */
  async setsOf(
    userId: string,
    rooms: readonly VersionedRoom[],
  ): Promise<ReadonlyMap<string, readonly string[]>> {
    let sets = this.#cached(rooms);
    if (sets.size < rooms.length) {
      // Another stream of a room's members may be reading them now: wait for that rather than
      // read them again (in a storm, every device of every member asks at once).
      const pending = rooms.map((room) => this.#pendingFor(room));
      if (pending.every((p) => p !== undefined)) {
        await Promise.all(pending);
        sets = this.#cached(rooms);
      }
    }
    if (sets.size < rooms.length) sets = await this.#load(userId, rooms);
    return sets;
  }

  /** The sets of `rooms` that are fresh enough, marked as just used. */
  #cached(rooms: readonly VersionedRoom[]): Map<string, readonly string[]> {
    const sets = new Map<string, readonly string[]>();
    for (const { id, membersVersion } of rooms) {
      const entry = this.#entries.get(id);
      if (!entry || membersVersion === null || entry.version < membersVersion) continue;
      this.#entries.delete(id);
      this.#entries.set(id, entry);
      sets.set(id, entry.userIds);
    }
    return sets;
  }

  /** A load that will store a fresh enough set of `room` (resolved at once if it is cached). */
  #pendingFor(room: VersionedRoom): Promise<void> | undefined {
    const { membersVersion } = room;
    if (membersVersion === null) return undefined;
    const entry = this.#entries.get(room.id);
    if (entry && entry.version >= membersVersion) return Promise.resolve();
    const loading = this.#loading.get(room.id);
    return loading && loading.version >= membersVersion ? loading.done : undefined;
  }

  /** Reads the members of all of the user's rooms at once and keeps those of `rooms`. */
  async #load(
    userId: string,
    rooms: readonly VersionedRoom[],
  ): Promise<Map<string, readonly string[]>> {
    const read = this.store.memberSetsOf(userId);
    // Settles with the read, failed or not; its failure is the caller's (below), not a waiter's.
    const done = read.then(
      () => undefined,
      () => undefined,
    );
    const mine: string[] = [];
    for (const { id, membersVersion } of rooms) {
      if (membersVersion === null) continue;
      const loading = this.#loading.get(id);
      if (loading && loading.version >= membersVersion) continue;
      this.#loading.set(id, { version: membersVersion, done });
      mine.push(id);
    }
    try {
      const sets = await read;
      // Labelled with the versions read before the members were: a lower bound of their age.
      for (const { id, membersVersion } of rooms) {
        const userIds = sets.get(id);
        if (membersVersion !== null && userIds) this.#keep(id, membersVersion, userIds);
      }
      return sets;
    } finally {
      for (const id of mine) if (this.#loading.get(id)?.done === done) this.#loading.delete(id);
    }
  }

  #keep(roomId: string, version: number, userIds: readonly string[]): void {
    const known = this.#entries.get(roomId);
    if (known && known.version > version) return;
    if (known) {
      this.#entries.delete(roomId);
      this.#ids -= known.userIds.length;
    }
    if (userIds.length > this.maxIds) return;
    this.#entries.set(roomId, { version, userIds });
    this.#ids += userIds.length;
    for (const [id, entry] of this.#entries) {
      if (this.#ids <= this.maxIds) break;
      this.#entries.delete(id);
      this.#ids -= entry.userIds.length;
    }
  }

  /** How many member ids are held now (what the bound limits). */
  get size(): number {
    return this.#ids;
  }
}

/** Everyone but `userId` in the sets of `rooms`. */
export function peersIn(
  userId: string,
  rooms: readonly VersionedRoom[],
  sets: ReadonlyMap<string, readonly string[]>,
): string[] {
  // Most users' streams carry one large room or a few: a copy without the user, no Set.
  if (rooms.length === 1) {
    const only = rooms[0] ? sets.get(rooms[0].id) : undefined;
    return only ? only.filter((id) => id !== userId) : [];
  }
  const peers = new Set<string>();
  for (const { id } of rooms) for (const member of sets.get(id) ?? []) peers.add(member);
  peers.delete(userId);
  return [...peers];
}
