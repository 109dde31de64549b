import { randomBytes } from 'node:crypto';
import type { BusMessage } from '../ports/bus.js';

/**
 * What one PUBLISH carries: the message, stamped with its publisher and that publisher's
 * counter for the topic. Short keys: this is on every message of every room.
 */
export interface Envelope {
  /** The publishing bus instance (one per process, renewed when its counters are reset). */
  p: string;
  /** 1, 2, 3… per (publisher, topic): a receiver that sees a jump knows it missed one. */
  n: number;
  m: BusMessage;
  /** When it was published (ms since the epoch, the publisher's clock): the bus lag metric. */
  t?: number;
}

/**
 * A process publishes on as many topics as it has rooms with traffic; past this many counters
 * it starts over under a new publisher id, which receivers take as a new publisher (no false
 * gap; detection resumes from its next message). 100,000 counters are a few MiB.
 */
const MAX_COUNTERS = 100_000;

/** Stamps outgoing messages: (publisher id, next counter of the topic). */
export class Stamper {
  #id = newPublisherId();
  #counters = new Map<string, number>();

  /** Serializes `message` once, with the next counter of `topic`. */
  stamp(topic: string, message: BusMessage): string {
    let last = this.#counters.get(topic);
    if (last === undefined && this.#counters.size >= MAX_COUNTERS) {
      this.#counters.clear();
      this.#id = newPublisherId();
    }
    last = (last ?? 0) + 1;
    this.#counters.set(topic, last);
    const envelope: Envelope = { p: this.#id, n: last, m: message, t: Date.now() };
    return JSON.stringify(envelope);
  }
}

/**
 * A topic's receiver side has seen this many publishers: forget them all (detection resumes
 * with each one's next message). Nodes are few; renewed publisher ids would otherwise pile up.
 */
const MAX_PUBLISHERS = 256;

/** The last counter seen per publisher on one topic. */
export class SeqTracker {
  #last = new Map<string, number>();

  /** Records `envelope` and says whether messages before it went missing. */
  missedBefore(envelope: Envelope): boolean {
    const last = this.#last.get(envelope.p);
    if (last === undefined && this.#last.size >= MAX_PUBLISHERS) this.#last.clear();
    this.#last.set(envelope.p, envelope.n);
    return last !== undefined && envelope.n !== last + 1;
  }

  /** After a reconnect (already reported as a gap), the next counter of each is the new start. */
  reset(): void {
    this.#last.clear();
  }
}

/** Parses a received payload, or undefined when it is not one of ours. */
export function parseEnvelope(raw: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { p, n, m, t } = value as Partial<Envelope>;
  if (typeof p !== 'string' || typeof n !== 'number' || typeof m !== 'object' || m === null) {
    return undefined;
  }
  return typeof t === 'number' ? { p, n, m, t } : { p, n, m };
}

function newPublisherId(): string {
  return randomBytes(9).toString('base64url');
}
