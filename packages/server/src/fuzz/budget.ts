import * as z from 'zod';

/**
 * How long the fuzz properties run. The test command gives each property a few seconds (the
 * whole suite stays under ~40 s on 2 cores) with a fixed seed, so a failure replays exactly;
 * `CONFAB_FUZZ_MINUTES` turns the same properties into a soak (bench mode, random seed unless
 * `CONFAB_FUZZ_SEED` pins one). This is the one file of the suite that reads the environment.
 */
const FuzzEnv = z.object({
  CONFAB_FUZZ_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .optional(),
  CONFAB_FUZZ_SEED: z.coerce.number().int().optional(),
});
const env = FuzzEnv.parse(process.env);

/**
 * Properties the suite runs (one per file), and how many files vitest runs at once
 * (vitest.config.ts `maxWorkers`): a soak of N minutes gives each property N × 2 / 4 minutes,
 * so the whole soak takes about N minutes of wall time.
 */
const PROPERTIES = 4;
const PARALLEL_FILES = 2;
/** In the test command: each property stops after this long (its time limit also bounds shrinking)... */
const TEST_MS_PER_PROPERTY = 5_000;
/** ...or after this many runs, whichever comes first. */
const TEST_MAX_RUNS = 5_000;

const soakMs = env.CONFAB_FUZZ_MINUTES
  ? (env.CONFAB_FUZZ_MINUTES * 60_000 * PARALLEL_FILES) / PROPERTIES
  : 0;

export const budget = {
  /** Soak (bench) mode: the properties run until their time is up, not to a run count. */
  soak: soakMs > 0,
  /** fast-check's seed: fixed in the test command, so a failure replays as it was. */
  seed: env.CONFAB_FUZZ_SEED ?? (soakMs > 0 ? Date.now() % 2 ** 31 : 20_240_601),
  msPerProperty: soakMs || TEST_MS_PER_PROPERTY,
  numRuns: soakMs ? Number.POSITIVE_INFINITY : TEST_MAX_RUNS,
};

/** Parameters for `fc.assert`: seed, run count and time limit (an interrupt is not a failure). */
export function assertParams() {
  return {
    seed: budget.seed,
    numRuns: budget.numRuns,
    interruptAfterTimeLimit: budget.msPerProperty,
    markInterruptAsFailure: false,
  };
}

/** Vitest's timeout for one property: its run time plus fixture set-up and shrinking. */
export const propertyTimeoutMs = budget.msPerProperty + 60_000;
