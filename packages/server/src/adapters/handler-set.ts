/**
 * A bus topic's local handlers: a Set, and the list a publish walks. A publish must walk a copy
 * (a handler may unsubscribe, or subscribe others, while it runs); the copy is made again only
 * after the set changed, not at every publish. A room's handlers change when a device comes or
 * goes; a copy at every message cost its fan-out an array as long as the room (8 KB for 1,000
 * devices) and the copying of it.
 */
export class HandlerSet<H> implements Iterable<H> {
  private readonly set = new Set<H>();
  /** The set as it was at the last change; the array is never changed once handed out. */
  private list: readonly H[] | undefined;

  get size(): number {
    return this.set.size;
  }

  add(handler: H): void {
    if (this.set.has(handler)) return;
    this.set.add(handler);
    this.list = undefined;
  }

  /** False when `handler` was not in the set. */
  delete(handler: H): boolean {
    if (!this.set.delete(handler)) return false;
    this.list = undefined;
    return true;
  }

  /** The handlers now, in the order they came; unchanged by later adds and deletes. */
  snapshot(): readonly H[] {
    this.list ??= [...this.set];
    return this.list;
  }

  [Symbol.iterator](): Iterator<H> {
    return this.set[Symbol.iterator]();
  }
}
