export interface BackoffOptions {
  /** Delay ceiling of the first retry. @default 500 */
  minDelayMs: number;
  /** Largest delay between retries. @default 15000 */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minDelayMs: 500, maxDelayMs: 15_000 };

/**
 * Exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential Backoff And
 * Jitter", 2015): half of the exponential ceiling, plus a random share of the other half. Spread
 * out enough that thousands of clients dropped at once by a restart do not return in lockstep,
 * while no retry comes sooner than half its ceiling.
 */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The wait before reconnecting to a server that said it is restarting (it drains): "full
 * jitter" over the first retry's ceiling, so the devices it sends away in the same moment do
 * not arrive at the other nodes in the same one. Not a failure, so no exponential growth.
 */
export function restartDelayMs(
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  return Math.round(random() * options.minDelayMs);
}
