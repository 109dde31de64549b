export interface LoopWindow {
  /** Steps completed before this are not counted (warm-up)... */
  warmupMs: number;
  /** ...then steps completed during this window are; no step starts after it. */
  durationMs: number;
}

export interface LoopResult {
  /** Steps per second completed inside the measured window. */
  rate: number;
  /** Steps completed in all (warm-up, window, and those that were in flight at its end). */
  total: number;
}

/**
 * Runs `loops` closed loops at once for warm-up plus window: each awaits its step before
 * starting the next, so at most `loops` are in flight. The clock is checked at every step, not
 * by timers, so loops over a synchronous driver (whose steps only yield a microtask) are timed
 * right too. The first step that throws stops every loop; its error is rethrown once all have
 * stopped.
 */
export async function closedLoops(
  loops: number,
  window: LoopWindow,
  step: (loop: number, k: number) => Promise<void>,
): Promise<LoopResult> {
  const t0 = performance.now();
  const from = t0 + window.warmupMs;
  const end = from + window.durationMs;
  let measured = 0;
  let total = 0;
  let stopped = false;
  const run = async (loop: number) => {
    for (let k = 0; !stopped && performance.now() < end; k++) {
      try {
        await step(loop, k);
      } catch (error) {
        stopped = true;
        throw error;
      }
      total += 1;
      const now = performance.now();
      if (now >= from && now < end) measured += 1;
    }
  };
  // Settled, not all(): on a failure every loop has stopped before the caller cleans up.
  const settled = await Promise.allSettled(Array.from({ length: loops }, (_, loop) => run(loop)));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
  return { rate: measured / (window.durationMs / 1000), total };
}
