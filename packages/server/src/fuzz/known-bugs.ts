/**
 * Bugs the fuzzer found that are not fixed yet (their code belongs to someone else). While a
 * bug is listed, the oracles let its answers through so the properties keep hunting for new
 * ones; known-bugs.test.ts replays each one's minimal counterexample as `it.fails`, which turns
 * red the day the bug is fixed: then delete its entry here and flip that test to `it`.
 */
export interface KnownBug {
  id: string;
  /** What is wrong, where, and the minimal counterexample. */
  description: string;
  /** Whether an error shape (`{ message, code, data }`) is this bug's. */
  matches(error: { data?: Record<string, unknown> }): boolean;
}

export const KNOWN_BUGS: readonly KnownBug[] = [];

/** The known bug an INTERNAL error shape is, if any. */
export function knownBugOf(error: { data?: Record<string, unknown> }): KnownBug | undefined {
  return KNOWN_BUGS.find((b) => b.matches(error));
}
