/**
 * The notifier's background work: every task is tracked so that `settled()` can tell when all
 * of it is done (tests await it instead of sleeping; close() drains it). A task's failure is
 * reported, never thrown at whoever started it.
 */
export function createTasks(onError: (error: unknown) => void) {
  const running = new Set<Promise<void>>();
  return {
    run(task: () => Promise<void>): void {
      const promise = task().catch(onError);
      running.add(promise);
      void promise.finally(() => running.delete(promise));
    },
    /** Whether no task is running right now. */
    idle: (): boolean => running.size === 0,
    /** Resolves once no task is running, including tasks started by tasks meanwhile. */
    async settled(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
export type Tasks = ReturnType<typeof createTasks>;

/** Runs at most `max` functions at once; the others wait their turn, first come first served. */
export function createLimiter(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function limit<T>(fn: () => Promise<T>): Promise<T> {
    if (active < max) active += 1;
    // A finishing call hands its slot straight to the next in line, so none is taken twice.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}
export type Limiter = ReturnType<typeof createLimiter>;

/** An error's message, for a log line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
