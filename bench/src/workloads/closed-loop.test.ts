import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { closedLoops } from './closed-loop.js';

describe('closedLoops', () => {
  it('keeps at most one step in flight per loop and counts only the window after the warm-up', async () => {
    let inFlight = 0;
    let most = 0;
    const result = await closedLoops(3, { warmupMs: 40, durationMs: 80 }, async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(10);
      inFlight -= 1;
    });
    expect(most).toBe(3);
    // Steps of at least 10 ms, 3 at a time: each loop completes at most 8 steps begun in the
    // 80 ms window and one begun before it (at most 27 counted, 337.5/s), and the window counts
    // a part of all.
    expect(result.rate).toBeGreaterThan(0);
    expect(result.rate).toBeLessThanOrEqual((3 * (80 / 10 + 1)) / 0.08);
    expect(result.rate * 0.08).toBeLessThan(result.total);
  });

  it('stops every loop at the first failure and rethrows it once all have stopped', async () => {
    let running = 0;
    const run = closedLoops(4, { warmupMs: 0, durationMs: 5000 }, async (loop, k) => {
      running += 1;
      await sleep(5);
      running -= 1;
      if (loop === 2 && k === 3) throw new Error('refused');
    });
    await expect(run).rejects.toThrow('refused');
    expect(running).toBe(0);
  });

  it('times loops over a synchronous step (which only yields a microtask) by the clock', async () => {
    const t0 = performance.now();
    const result = await closedLoops(5, { warmupMs: 10, durationMs: 30 }, async () => {});
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(result.total).toBeGreaterThan(0);
  });
});
