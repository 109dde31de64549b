import { createLogger, type Logger } from '../observability/logger.js';

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/**
 * A real pino logger (the server's own settings: redaction, error shape) whose lines are kept
 * for the test: `raw()` for a secret search over every byte written, `lines()` parsed, and
 * `waitFor` resolving when a matching line is written (no polling).
 */
export function captureLogs(level: 'debug' | 'info' = 'debug') {
  const written: string[] = [];
  const waiters: Array<{ test(line: LogLine): boolean; resolve(line: LogLine): void }> = [];
  const logger: Logger = createLogger({
    level,
    destination: {
      write(text: string) {
        written.push(text);
        const line = JSON.parse(text) as LogLine;
        for (const waiter of [...waiters])
          if (waiter.test(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
      },
    },
  });
  const lines = () => written.map((text) => JSON.parse(text) as LogLine);
  return {
    logger,
    lines,
    raw: () => written.join(''),
    /** The first line (already written or to come) that passes `test`. */
    waitFor(test: (line: LogLine) => boolean): Promise<LogLine> {
      const found = lines().find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}
