import { createLogger, type Logger, type LogLevel } from '@confab/server';
import pinoPretty from 'pino-pretty';

/**
 * The process's logger: JSON lines on stdout, or readable lines in development (LOG_FORMAT=pretty,
 * or unset with stdout a terminal). pino-pretty runs as a stream in this thread, not as a pino
 * transport: a transport loads its target in a worker thread by file path, which the esbuild
 * bundle (dist/main.js) does not have.
 */
export function processLogger(level: LogLevel, format: 'json' | 'pretty' | undefined): Logger {
  const terminal = process.stdout.isTTY === true;
  const pretty = format ? format === 'pretty' : terminal;
  if (!pretty) return createLogger({ level });
  return createLogger({
    level,
    destination: pinoPretty({
      colorize: terminal,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    }),
  });
}

/**
 * Why the process could not start, in one line per cause: a connection refused by the
 * database comes from Node as an AggregateError with an empty message (one attempt per address
 * of "localhost"), so the message alone said nothing.
 */
export function startupFailure(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (!(current instanceof Error)) {
      lines.push(String(current));
      break;
    }
    const code = (current as { code?: unknown }).code;
    const inner =
      current instanceof AggregateError
        ? current.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e)))
        : [];
    const text = current.message || inner.join('; ') || (typeof code === 'string' ? code : '');
    lines.push(text || current.name);
    current = current.cause;
  }
  return lines.map((line, i) => (i === 0 ? line : `  caused by: ${line}`)).join('\n');
}
