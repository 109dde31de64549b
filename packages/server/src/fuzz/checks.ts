import { expect } from 'vitest';
import { send } from './client.js';
import type { FuzzFixture } from './fixture.js';
import { OracleError } from './oracles.js';

/**
 * Runs between two full store comparisons (each reads every seeded room's log, a few ms). At 1
 * a broken history fails the very run that broke it, so the counterexample is the culprit.
 */
const OBSERVE_EVERY = 1;

/**
 * The oracles that hold for the server as a whole, checked after every run: `/healthz` still
 * answers, no throw escaped a handler since `errorMark` (report.ts logged none), and every
 * OBSERVE_EVERY runs (and when `full`) the seeded history and memberships are unchanged.
 */
export async function checkServer(
  fx: FuzzFixture,
  run: { index: number; errorMark: number; full?: boolean },
): Promise<void> {
  const health = await send(fx.url, { method: 'GET', path: '/healthz', headers: {} });
  if (health.status !== 200)
    throw new OracleError(`/healthz answered ${health.status}: ${health.body.slice(0, 200)}`);
  const escaped = fx.serverErrors.slice(run.errorMark);
  if (escaped.length > 0) throw new OracleError(`a throw escaped a handler: ${escaped[0]}`);
  if (run.full || run.index % OBSERVE_EVERY === 0) await checkHistory(fx);
  await fx.renewFuzzerSession();
}

/** The seeded state is exactly as seeded (the fuzzer's allowed lobby activity cut off). */
export async function checkHistory(fx: FuzzFixture): Promise<void> {
  const now = await fx.observe();
  expect(now.violations, 'lobby events the fuzzer may not cause').toEqual([]);
  expect(now.state, 'seeded history and memberships').toEqual(fx.baseline.state);
}

/** A counter per property: run numbers for OBSERVE_EVERY. */
export function runCounter() {
  let index = 0;
  return () => {
    index += 1;
    return index;
  };
}
