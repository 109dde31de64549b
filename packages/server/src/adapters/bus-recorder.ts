import type { BusHandler, BusMessage, BusTopic } from '../ports/bus.js';

/** Failure guard only: every wait below ends on an event long before this. */
export const GUARD_MS = 10_000;

/** A test message: `n`-th of publisher `from`, on `topic` (kept in the message to check routing). */
export function testMessage(from: string, n: number, topic = 'any'): BusMessage {
  return { kind: 'membership', userId: from, roomId: topic, seq: n };
}

/** `from:n@topic` for a test message, `gap` for a gap, so a failure prints a readable list. */
export function label(message: BusMessage): string {
  if (message.kind === 'membership') return `${message.userId}:${message.seq}@${message.roomId}`;
  return message.kind;
}

let topics = 0;
/** A topic no other test uses. */
export function freshTopic(name = 't'): BusTopic {
  topics += 1;
  return `room:${name}-${process.pid}-${Date.now().toString(36)}-${topics}`;
}

/** A handler (stable identity) that records what it hears and lets a test await it. */
export class Recorder {
  readonly messages: BusMessage[] = [];
  #waiters = new Set<() => void>();

  readonly handler: BusHandler = (message) => {
    this.messages.push(message);
    for (const wake of [...this.#waiters]) wake();
  };

  get labels(): string[] {
    return this.messages.map(label);
  }

  count(kind: BusMessage['kind']): number {
    return this.messages.filter((message) => message.kind === kind).length;
  }

  /** Resolves once `done()` holds over what was heard; rejects after the guard, saying what. */
  until(done: (recorder: Recorder) => boolean, what: string, guardMs = GUARD_MS): Promise<void> {
    if (done(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done(this)) return;
        finish();
        resolve();
      };
      const guard = setTimeout(() => {
        finish();
        reject(
          new Error(
            `waited ${guardMs} ms for ${what}; heard ${this.labels.length}: ${this.labels.slice(-20).join(' ')}`,
          ),
        );
      }, guardMs);
      const finish = () => {
        clearTimeout(guard);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
    });
  }

  /** Resolves once a message with this label has been heard. */
  heard(wanted: string): Promise<void> {
    return this.until((r) => r.labels.includes(wanted), wanted);
  }
}
