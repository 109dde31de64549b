/** How the notifier treats each destination (an origin: scheme, host and port). */
export interface DestinationOptions {
  /** Requests at once to one destination; more wait their turn, first come first served. */
  maxConcurrent: number;
  /** Failures in a row that pause a destination. */
  failuresBeforePause: number;
  /** The first pause; each pause after it, with no success between, is twice as long. */
  pauseBaseMs: number;
  /** The longest pause. */
  pauseMaxMs: number;
  now: () => number;
  /** Told of each pause as it starts. */
  onPause?: (origin: string, pauseMs: number, failures: number) => void;
}

interface Destination {
  active: number;
  waiting: (() => void)[];
  /** Failures since the last success. */
  failures: number;
  /** Pauses since the last success: the next one lasts pauseBaseMs * 2^pauses. */
  pauses: number;
  pausedUntil: number;
}

/**
 * Per-destination fairness for outbound requests. All pushes and webhooks share one global
 * limit; without this, one slow or dead push service (or receiver) would hold every slot and
 * no other user's notification would leave. Each destination gets at most `maxConcurrent`
 * requests at once (the rest wait here, holding no global slot), and one that keeps failing
 * is paused for a growing, capped interval — a circuit breaker: after a pause, one request goes
 * through; if it fails too, the next pause is twice as long, and a success ends it all.
 */
export function createDestinations(options: DestinationOptions) {
  const destinations = new Map<string, Destination>();

  function get(origin: string): Destination {
    let destination = destinations.get(origin);
    if (!destination) {
      destination = { active: 0, waiting: [], failures: 0, pauses: 0, pausedUntil: 0 };
      destinations.set(origin, destination);
    }
    return destination;
  }

  /** Drops a destination that holds nothing worth keeping, so the map stays small. */
  function forgetIfIdle(origin: string, destination: Destination): void {
    if (destination.active === 0 && destination.waiting.length === 0 && destination.failures === 0)
      destinations.delete(origin);
  }

  return {
    /** How long the destination stays paused, in ms; 0 when it is not. */
    pausedForMs(origin: string): number {
      const destination = destinations.get(origin);
      return destination ? Math.max(0, destination.pausedUntil - options.now()) : 0;
    },

    /** Runs `fn` once the destination has a free slot, holding it until `fn` settles. */
    async run<T>(origin: string, fn: () => Promise<T>): Promise<T> {
      const destination = get(origin);
      if (destination.active < options.maxConcurrent) destination.active += 1;
      // As in createLimiter: a finishing call hands its slot straight to the next in line.
      else await new Promise<void>((resolve) => destination.waiting.push(resolve));
      try {
        return await fn();
      } finally {
        const next = destination.waiting.shift();
        if (next) next();
        else destination.active -= 1;
        forgetIfIdle(origin, destination);
      }
    },

    /** The destination answered (any status but 5xx and 429): it is healthy again. */
    succeeded(origin: string): void {
      const destination = destinations.get(origin);
      if (!destination) return;
      destination.failures = 0;
      destination.pauses = 0;
      destination.pausedUntil = 0;
      forgetIfIdle(origin, destination);
    },

    /** A request to the destination failed (network error, timeout, 5xx, 429). */
    failed(origin: string): void {
      const destination = get(origin);
      destination.failures += 1;
      const now = options.now();
      // Requests that were in flight when the pause started do not lengthen it.
      if (destination.failures < options.failuresBeforePause || destination.pausedUntil > now)
        return;
      const pauseMs = Math.min(options.pauseMaxMs, options.pauseBaseMs * 2 ** destination.pauses);
      destination.pauses += 1;
      destination.pausedUntil = now + pauseMs;
      options.onPause?.(origin, pauseMs, destination.failures);
    },
  };
}
export type Destinations = ReturnType<typeof createDestinations>;
