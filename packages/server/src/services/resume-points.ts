import { createHash, randomBytes } from 'node:crypto';

/** How long a closed stream's point is kept for its client's own reconnect. */
const DEFAULT_GRACE_MS = 5 * 60_000;

/** What a reconnect is resumed from: its cursors, always with `resume: true`. */
export interface ResumeStart {
  cursors: Record<string, number>;
  resume: true;
}

/** A position on the wire: which server process, and its clock then (ms since its start). */
export interface Position {
  instance: string;
  at: number;
}

/** What the server remembers of one device stream (see ResumePoints). */
export interface ResumePoint {
  readonly key: string;
  readonly openedAt: number;
  syncedAt: number | undefined;
  /** The cursors of its sync point: everything up to them was delivered before the sync. */
  cursors: Record<string, number> | undefined;
  closedAt: number | undefined;
}

/**
 * Where the unmodified tRPC client's own reconnect resumes. That client re-sends its original
 * input plus the last tracked id it saw, which names at most one room (or none: `-sync`,
 * `-presence`...). So every tracked id also carries a position (this process and its clock),
 * and the process remembers, for each live stream and for a grace period after it closed, when
 * it opened, when it sent its sync point and with which cursors. A reconnect whose id carries a
 * position finds the streams of the same device and original input that were live at that
 * position (one of them delivered the id) and resumes every room from the lowest bound among
 * them: the sync cursors if the id came after the sync point, else the stream's own start.
 *
 * When the position cannot be resolved (another process, a restart, a stream closed longer
 * ago than the grace, or an id of the old `roomId:seq` form), the reconnect resumes from the
 * original input with `resume: true`: rooms it names from their cursor, the others from the
 * user's join. Never a loss; possibly many duplicates, which the client drops by seq.
 */
export class ResumePoints {
  /** Tells this process's positions from those of another process or an earlier run. */
  readonly instance = randomBytes(4).readUInt32BE(0).toString(36);
  private readonly started = performance.now();
  private readonly byKey = new Map<string, Set<ResumePoint>>();
  /** Closed points, in closing order, until the grace has passed. */
  private readonly closing: ResumePoint[] = [];
  /** Points of streams closed up to this time may have been forgotten. */
  private forgottenUntil = -1;
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly graceMs = DEFAULT_GRACE_MS) {
    this.sweep = setInterval(() => this.forget(), Math.min(graceMs, 60_000));
    this.sweep.unref();
  }

  /** Milliseconds since this process's registry started: monotonic (not the wall clock). */
  now(): number {
    return Math.floor(performance.now() - this.started);
  }

  /** The position to put in a tracked id now: `<instance>.<ms in base 36>`. */
  position(): string {
    return `${this.instance}.${this.now().toString(36)}`;
  }

  /** The key of a device's stream: its auth session and its original input. */
  static key(sessionId: string, input: { cursors: Record<string, number>; resume: boolean }) {
    const hash = createHash('sha256');
    hash.update(sessionId).update('\n').update(JSON.stringify(input.cursors));
    return hash
      .update(input.resume ? '\n1' : '\n0')
      .digest('base64url')
      .slice(0, 22);
  }

  open(key: string): ResumePoint {
    const point: ResumePoint = {
      key,
      openedAt: this.now(),
      syncedAt: undefined,
      cursors: undefined,
      closedAt: undefined,
    };
    let points = this.byKey.get(key);
    if (!points) {
      points = new Set();
      this.byKey.set(key, points);
    }
    points.add(point);
    return point;
  }

  /** Call just before the sync point is sent, with its cursors. */
  synced(point: ResumePoint, cursors: Record<string, number>): void {
    point.syncedAt = this.now();
    point.cursors = cursors;
  }

  close(point: ResumePoint): void {
    if (point.closedAt !== undefined) return;
    point.closedAt = this.now();
    this.closing.push(point);
  }

  private forget(): void {
    const cutoff = this.now() - this.graceMs;
    while (this.closing.length > 0 && (this.closing[0]?.closedAt ?? 0) < cutoff) {
      const point = this.closing.shift();
      if (!point) break;
      this.forgottenUntil = Math.max(this.forgottenUntil, point.closedAt ?? 0);
      const points = this.byKey.get(point.key);
      points?.delete(point);
      if (points?.size === 0) this.byKey.delete(point.key);
    }
  }

  /**
   * Per-room lower bounds for a reconnect of a stream with `key` whose last id carried
   * `position`: undefined when no bound can be given (resume from the original input); a room
   * missing from the bounds resumes from the original input too.
   */
  bounds(
    key: string,
    position: Position,
    input: { cursors: Record<string, number>; resume: boolean },
  ): Record<string, number> | undefined {
    if (position.instance !== this.instance || position.at <= this.forgottenUntil) return;
    const live = [...(this.byKey.get(key) ?? [])].filter(
      (p) => p.openedAt <= position.at && (p.closedAt === undefined || position.at <= p.closedAt),
    );
    if (live.length === 0) return;
    let bounds: Map<string, number> | undefined;
    for (const point of live) {
      const own = this.boundsOf(point, position.at, input);
      if (!bounds) {
        bounds = own;
        continue;
      }
      // The lowest bound of all the streams that may have delivered the id; a room one of
      // them has no bound for has none.
      for (const [roomId, seq] of bounds) {
        const other = own.get(roomId);
        if (other === undefined) bounds.delete(roomId);
        else if (other < seq) bounds.set(roomId, other);
      }
    }
    return bounds && Object.fromEntries(bounds);
  }

  private boundsOf(
    point: ResumePoint,
    at: number,
    input: { cursors: Record<string, number>; resume: boolean },
  ): Map<string, number> {
    const { cursors, syncedAt } = point;
    if (!cursors) return new Map();
    // An id stamped after the sync point was sent was delivered after it: the client has the
    // sync point, so everything up to its cursors. (Stamped in the same millisecond: unsure.)
    if (syncedAt !== undefined && at > syncedAt) return new Map(Object.entries(cursors));
    // Before it: rooms the input named resume from their cursor; rooms the stream started
    // live (resume: false) from where it started them, which is where the sync point put them.
    if (input.resume) return new Map();
    return new Map(Object.entries(cursors).filter(([roomId]) => !(roomId in input.cursors)));
  }

  /** Stops the sweep (tests that make their own registry). */
  dispose(): void {
    clearInterval(this.sweep);
  }
}

/** The process's registry (positions are per process, as presence is). */
export const resumePoints = new ResumePoints();
