import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** The levels LOG_LEVEL may name (pino's), `silent` turning logging off. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Fields that must never reach a log line, wherever they appear: a belt over the habit of
 * logging no headers, inputs or bodies at all (see request-log.ts). pino replaces them with
 * "[Redacted]".
 */
const REDACTED_PATHS = [
  'token',
  'password',
  'cookie',
  'body',
  'input',
  'authorization',
  '*.token',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.cookie',
  '*.body',
  '*.input',
  '*.authorization',
  '*.apiKey',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-api-key"]',
];

/**
 * An error as a log line carries it: its kind, message, code and stack, nothing else. pino's
 * standard serializer copies every enumerable field, and a database error's fields (`detail`,
 * `where`, parameters) may quote the row it failed on: a message body or a token hash.
 */
function serializeError(value: unknown): Record<string, unknown> {
  if (!(value instanceof Error)) return { message: String(value) };
  const code = (value as { code?: unknown }).code;
  return {
    type: value.name,
    message: value.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: value.stack,
  };
}

export interface LoggerOptions {
  /** @default 'info' */
  level?: LogLevel;
  /** Where lines go (a pino-pretty stream in development, a test's capture). @default stdout */
  destination?: DestinationStream;
}

/** A JSON-lines logger with Confab's redaction and error shape. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS },
      serializers: { err: serializeError },
      base: { pid: process.pid },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

/**
 * Where a server built without a logger writes: warnings and errors only, on stderr, so that an
 * embedding app (or a test) is not flooded with request lines it did not ask for, while an
 * internal error is still never silent. Through `process.stderr` (synchronous for files and
 * pipes), so that a line written just before the process exits is not lost.
 */
export const fallbackLogger: Logger = createLogger({ level: 'warn', destination: process.stderr });
