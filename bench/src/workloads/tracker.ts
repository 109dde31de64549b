import type { Sink } from '../drivers/types.js';

/** How many distinct problems a failed run lists. */
const MAX_PROBLEMS = 5;

/**
 * Checks integrity as messages arrive: each subscriber must get the room's messages with
 * consecutive seqs, every seq must carry the same message for everyone, and (checked by
 * verify) every published message must reach every subscriber exactly once. Records latency
 * from markSent() to each delivery.
 */
export class Tracker implements Sink {
  /** Messages every subscriber has received. */
  completed = 0;
  /**
   * When each message reached its last subscriber, by index: ms since the epoch
   * (performance.timeOrigin + now()), comparable across the bench's processes.
   */
  readonly completedAtMs = new Map<number, number>();
  private readonly nextSeq: Float64Array;
  private readonly received: Uint32Array;
  private readonly deliveredTo: Uint32Array;
  private readonly indexBySeq = new Map<number, number>();
  private readonly sentAt: Float64Array;
  private readonly latencies: Float64Array;
  /** Which subscriber each latency sample is of (to split official clients from cheap ones). */
  private readonly latencyOf: Uint32Array;
  private latencyCount = 0;
  private readonly problems: string[] = [];
  private waiters: (() => void)[] = [];
  /** Latency is recorded for messages with an index at least this. */
  recordLatencyFrom = Number.POSITIVE_INFINITY;

  constructor(
    readonly subscribers: number,
    readonly capacity: number,
    options: { latency?: boolean } = {},
  ) {
    this.nextSeq = new Float64Array(subscribers).fill(-1);
    this.received = new Uint32Array(subscribers);
    this.deliveredTo = new Uint32Array(capacity);
    this.sentAt = new Float64Array(capacity);
    this.latencies = new Float64Array(options.latency ? subscribers * capacity : 0);
    this.latencyOf = new Uint32Array(this.latencies.length);
  }

  get failed(): boolean {
    return this.problems.length > 0;
  }

  get failure(): string | undefined {
    return this.problems.length > 0 ? this.problems.join('; ') : undefined;
  }

  /** Called detached by the drivers: an arrow property keeps `this`. */
  readonly fail = (reason: string): void => {
    if (this.problems.length < MAX_PROBLEMS && !this.problems.includes(reason))
      this.problems.push(reason);
    this.wake();
  };

  /** `subscriber` must get `seq` first (a device resuming after it had `seq - 1`). */
  expectNext(subscriber: number, seq: number): void {
    this.nextSeq[subscriber] = seq;
  }

  markSent(index: number): void {
    this.sentAt[index] = performance.now();
  }

  deliver(subscriber: number, seq: number, index: number): void {
    const now = performance.now();
    if (index < 0 || index >= this.capacity) {
      this.fail(`subscriber ${subscriber}: unknown message (seq ${seq})`);
      return;
    }
    const expected = this.nextSeq[subscriber] ?? -1;
    if (expected >= 0 && seq !== expected) {
      this.fail(
        `subscriber ${subscriber}: seq ${seq} after ${expected - 1} (lost, repeated or out of order)`,
      );
    }
    this.nextSeq[subscriber] = seq + 1;
    const known = this.indexBySeq.get(seq);
    if (known === undefined) this.indexBySeq.set(seq, index);
    else if (known !== index)
      this.fail(`seq ${seq} carried message ${known} to one and ${index} to another`);
    this.received[subscriber] = (this.received[subscriber] ?? 0) + 1;
    const count = (this.deliveredTo[index] ?? 0) + 1;
    this.deliveredTo[index] = count;
    if (count > this.subscribers) this.fail(`message ${index} delivered more than once`);
    if (index >= this.recordLatencyFrom && this.latencyCount < this.latencies.length) {
      this.latencyOf[this.latencyCount] = subscriber;
      this.latencies[this.latencyCount++] = now - (this.sentAt[index] ?? now);
    }
    if (count === this.subscribers) {
      this.completedAtMs.set(index, performance.timeOrigin + now);
      this.completed += 1;
      this.wake();
    }
  }

  /** Resolves at the next completed message or failure. */
  progress(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves at the next completed message or failure; fails the run after `timeoutMs`. */
  async progressWithin(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const before = this.completed;
    await Promise.race([
      this.progress(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (this.completed === before && !this.failed) {
      this.fail(`timed out: no message reached every subscriber within ${timeoutMs} ms`);
    }
  }

  /** Waits until `messages` messages reached everyone; false on failure or timeout. */
  async waitCompleted(messages: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.completed < messages && !this.failed) {
      const left = deadline - performance.now();
      if (left <= 0) {
        this.fail(
          `timed out: ${messages - this.completed} of ${messages} messages did not reach every subscriber`,
        );
        return false;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.progress(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, left);
        }),
      ]);
      clearTimeout(timer);
    }
    return !this.failed;
  }

  /** Final check once `published` messages were sent: each reached each subscriber once. */
  verify(published: number): boolean {
    for (let s = 0; s < this.subscribers; s++) {
      const got = this.received[s] ?? 0;
      if (got !== published) {
        this.fail(`subscriber ${s} received ${got} of ${published} messages`);
        break;
      }
    }
    for (let i = 0; i < published; i++) {
      if (this.deliveredTo[i] !== this.subscribers) {
        this.fail(`message ${i} reached ${this.deliveredTo[i]} of ${this.subscribers} subscribers`);
        break;
      }
    }
    return !this.failed;
  }

  /** Latencies recorded so far, in ms; only those of subscribers [from, to) when given. */
  latencySamples(subscribers?: { from: number; to: number }): Float64Array {
    const all = this.latencies.subarray(0, this.latencyCount);
    if (!subscribers) return all;
    return all.filter((_, k) => {
      const subscriber = this.latencyOf[k] ?? -1;
      return subscriber >= subscribers.from && subscriber < subscribers.to;
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
