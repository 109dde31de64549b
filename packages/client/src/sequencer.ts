import type { Cursors, RoomEvent, StreamEvent } from '@confab/contracts';

export type FetchEventsAfter = (
  roomId: string,
  afterSeq: number,
) => Promise<{ events: RoomEvent[]; hasMore: boolean }>;

/**
 * The SDK's half of "each event once, in order": a cursor per room; an event at or below it is a
 * duplicate (dropped), one past a gap first has the gap filled from the server's log. Events are
 * applied one at a time, in arrival order, so filling a gap never lets a later event overtake.
 */
export class Sequencer {
  private readonly cursors: Map<string, number>;
  private chain: Promise<void> = Promise.resolve();
  /** Whether the server has told this device its position in every room (see `sync`). */
  private synced: boolean;

  constructor(
    initial: Cursors | undefined,
    private readonly fetchAfter: FetchEventsAfter,
    private readonly handlers: {
      deliver(event: Exclude<StreamEvent, { type: 'sync' }>): void;
      synced(cursors: Cursors): void;
      /** A room this device had is gone from the user's rooms (left or removed while away). */
      left(roomId: string): void;
      failed(error: unknown): void;
    },
  ) {
    this.cursors = new Map(Object.entries(initial ?? {}));
    // Saved cursors (even none: a user in no room) mean this device has synced before.
    this.synced = initial !== undefined;
  }

  /** Where to resume: the last seq applied per room. */
  snapshot(): Cursors {
    return Object.fromEntries(this.cursors);
  }

  /** True once the device has a full set of cursors: rooms missing from them are new to it. */
  get resuming(): boolean {
    return this.synced;
  }

  push(event: StreamEvent): void {
    this.chain = this.chain
      .then(() => this.apply(event))
      .catch((error: unknown) => this.handlers.failed(error));
  }

  /** Resolves when everything pushed so far is applied. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Drops events still waiting (their stream failed; the resumed stream brings them again). */
  reset(): void {
    this.chain = Promise.resolve();
  }

  private async apply(event: StreamEvent): Promise<void> {
    if (event.type === 'sync') {
      // The server delivered up to these; rooms it no longer lists are rooms the user left.
      for (const roomId of [...this.cursors.keys()]) {
        if (roomId in event.cursors) continue;
        // Left or removed while this device was away: its member.left/removed is not in any
        // log the device may still read, so say it here.
        this.cursors.delete(roomId);
        this.handlers.left(roomId);
      }
      for (const [roomId, seq] of Object.entries(event.cursors)) {
        this.cursors.set(roomId, Math.max(seq, this.cursors.get(roomId) ?? 0));
      }
      this.synced = true;
      this.handlers.synced(this.snapshot());
      return;
    }
    if (event.type === 'history.truncated') {
      // Only news when this device is behind the room's new start.
      const last = this.cursors.get(event.roomId);
      if (last === undefined || last < event.beforeSeq - 1)
        this.truncate(event.roomId, event.beforeSeq);
      return;
    }
    if (!('seq' in event)) {
      this.handlers.deliver(event);
      return;
    }
    const last = this.cursors.get(event.roomId);
    if (last !== undefined && event.seq <= last) return;
    if (last !== undefined && event.seq > last + 1)
      await this.fill(event.roomId, last, event.seq - 1);
    this.accept(event);
  }

  private accept(event: RoomEvent): void {
    this.cursors.set(event.roomId, event.seq);
    this.handlers.deliver(event);
  }

  /** The room's history before `beforeSeq` is gone (retention): the cursor moves past it. */
  private truncate(roomId: string, beforeSeq: number): void {
    this.cursors.set(roomId, beforeSeq - 1);
    this.handlers.deliver({ type: 'history.truncated', roomId, beforeSeq });
  }

  private async fill(roomId: string, after: number, until: number): Promise<void> {
    let from = after;
    while (from < until) {
      const page = await this.fetchAfter(roomId, from);
      // A room's log has no holes but at its front, which retention deletes: events missing
      // before the page's first (or before the live one being applied) are gone for good.
      const next = Math.min(page.events[0]?.seq ?? until + 1, until + 1);
      if (next > from + 1) {
        this.truncate(roomId, next);
        from = next - 1;
      }
      for (const missed of page.events) {
        if (missed.seq > until) return;
        if (missed.seq > from) {
          this.accept(missed);
          from = missed.seq;
        }
      }
      if (!page.hasMore || page.events.length === 0) return;
    }
  }
}
