import {
  DEFAULT_CONNECTION_LIMITS,
  DEFAULT_DRAIN_SPREAD_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_RATE_RULES,
  LOG_LEVELS,
  type RateKind,
} from '@confab/server';
import * as z from 'zod';

const RateKindName = z.enum(Object.keys(DEFAULT_RATE_RULES) as [RateKind, ...RateKind[]]);
const RateRule = z.strictObject({
  points: z.number().int().min(1),
  windowMs: z.number().int().min(1000),
});
const positiveInt = z.number().int().min(1);
const ConnectionLimits = z
  .strictObject({
    ...(Object.fromEntries(Object.keys(DEFAULT_CONNECTION_LIMITS).map((k) => [k, positiveInt])) as {
      [K in keyof typeof DEFAULT_CONNECTION_LIMITS]: typeof positiveInt;
    }),
    ipv6PrefixBits: positiveInt.max(128),
  })
  .partial();

/** A setting given as JSON, checked against `schema`; absent means {}. */
function jsonOf<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** A yes/no setting: `true`/`1` or `false`/`0`; absent means false. */
function flag() {
  return z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1');
}

/** A comma-separated list, entries trimmed, empty ones dropped; absent means []. */
function commaList() {
  return z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );
}

/** A comma-separated list of origins (`scheme://host[:port]`); `example` shows one in the error. */
function originList(example: string) {
  return commaList().refine(
    (origins) => origins.every((o) => /^https?:\/\/[^/\s]+$/.test(o)),
    `each origin is scheme://host[:port], e.g. ${example}`,
  );
}

/** Every setting the process reads, parsed once. Nothing else reads process.env. */
const Env = z.object({
  /** Port for the API and the web app. 0 picks a free one. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to listen on. */
  HOST: z.string().default('127.0.0.1'),
  /** `postgres://...` for PostgreSQL; otherwise a SQLite file path. */
  DATABASE_URL: z.string().default('./data/confab.db'),
  /**
   * `redis://...`: fan-out between processes through Redis pub/sub. Several processes share one
   * log, so it needs PostgreSQL; without it, the in-process bus serves this process alone.
   */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  /**
   * Worker processes sharing the port (node:cluster): one per core. More than one needs
   * PostgreSQL and Redis, which they share.
   */
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * On SIGTERM or SIGINT the process drains: devices are told to reconnect elsewhere, each at a
   * random moment within DRAIN_SPREAD_MS (at most half the timeout), running requests finish, and
   * what is still open after DRAIN_TIMEOUT_MS is cut.
   */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(DEFAULT_DRAIN_TIMEOUT_MS),
  DRAIN_SPREAD_MS: z.coerce.number().int().min(0).max(60_000).default(DEFAULT_DRAIN_SPREAD_MS),
  /** The built web app to serve at `/`; empty to serve none. */
  WEB_DIST: z.string().optional(),
  /** Comma-separated API keys for the server-to-server push API; none disables it. */
  API_KEYS: commaList().refine(
    (keys) => keys.every((k) => k.length >= 16),
    'each API key needs at least 16 characters',
  ),
  /** Messages (sends, edits, deletes) per user per second, and the burst allowed above it. */
  SENDS_PER_SECOND: z.coerce.number().positive().default(10),
  SEND_BURST: z.coerce.number().int().min(1).default(20),
  /** Set when Confab is served over HTTPS (marks the session cookie Secure). */
  SECURE_COOKIES: flag(),
  /** Contact for push services (the VAPID token's subject): a mailto: or https: URL. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)\S+$/, 'must be a mailto: or https:// URL')
    .default('mailto:webpush@example.com'),
  /** Messages to one member in one room within this many ms make one Web Push. */
  PUSH_COLLAPSE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /** Accept http push endpoints on 127.0.0.1/localhost (a local test push service only). */
  ALLOW_INSECURE_PUSH_ENDPOINTS: flag(),
  /**
   * Let Web Push and webhook requests reach private and reserved addresses (a webhook receiver
   * on your own network). Off, every resolved address is checked first (SSRF).
   */
  ALLOW_PRIVATE_ADDRESSES: flag(),
  /** Outgoing push and webhook requests at once to one host, and each one's time limit. */
  NOTIFY_MAX_PER_DESTINATION: z.coerce.number().int().min(1).max(64).default(4),
  NOTIFY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Attempts per webhook delivery, and the wait before the first retry (it doubles). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(1000),
  /**
   * How long a node holds a claimed webhook delivery or push window (renewed while it works):
   * when a node dies, another one sends its claimed rows after at most this.
   */
  NOTIFY_OUTBOX_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Comma-separated origins (besides Confab's own) whose pages may use the session cookie. */
  ALLOWED_ORIGINS: originList('https://chat.example.com'),
  /**
   * Comma-separated origins whose pages may call the API cross-origin with a bearer token
   * (CORS). Unset: CORS is off. Cookies never count cross-origin (see ALLOWED_ORIGINS).
   */
  CORS_ORIGINS: originList('https://app.example.com'),
  /** Accept JWTs an app signs with this HS256 shared secret (at least 32 bytes). */
  JWT_SECRET: z.string().min(32, 'needs at least 32 characters').optional(),
  /** Or: accept JWTs signed with the keys of this JWKS document (https). */
  JWT_JWKS_URL: z.url().optional(),
  /** The `aud` every accepted JWT must carry (required with JWT_SECRET or JWT_JWKS_URL). */
  JWT_AUDIENCE: z.string().min(1).optional(),
  /** The `iss` every accepted JWT must carry, when set. */
  JWT_ISSUER: z.string().min(1).optional(),
  /** Behind a reverse proxy: per-address limits count the last X-Forwarded-For hop. */
  TRUST_PROXY: flag(),
  /** Rate limits to change, as JSON: {"loginPerAddress":{"points":30,"windowMs":300000}}. */
  RATE_LIMITS: jsonOf(z.partialRecord(RateKindName, RateRule)),
  /** Connection caps and deadlines to change, as JSON: {"maxStreamsPerUser":50}. */
  CONNECTION_LIMITS: jsonOf(ConnectionLimits),
  /**
   * What one search may cost and how many run at once, as JSON (docs/delivery.md, "Search"):
   * {"scanMax":50000,"timeoutMs":2000,"concurrent":4,"concurrentPerUser":2}. `scanMax`: on
   * SQLite, messages holding the words looked through per call; `timeoutMs`: on PostgreSQL, the
   * search statement's time limit.
   */
  SEARCH_LIMITS: jsonOf(
    z
      .strictObject({
        scanMax: z.number().int().min(100).max(200_000),
        timeoutMs: z.number().int().min(10).max(600_000),
        concurrent: z.number().int().min(1).max(1_000),
        concurrentPerUser: z.number().int().min(1).max(1_000),
      })
      .partial(),
  ),
  /**
   * Compression of API answers, as JSON: {"minBytes":1024,"gzipLevel":6,"brotliQuality":4}.
   * A `minBytes` larger than any answer (e.g. 1e12) turns it off.
   */
  RESPONSE_COMPRESSION: jsonOf(
    z
      .strictObject({
        minBytes: z.number().int().min(0),
        gzipLevel: z.number().int().min(1).max(9),
        brotliQuality: z.number().int().min(0).max(11),
      })
      .partial(),
  ),
  /**
   * Messages older than this many days are deleted (with the log before them) in rooms that
   * have no retention of their own. Unset: kept for ever, unless a room sets its own.
   */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  /** How often each process applies retention; runs of several processes at once are safe. */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  /** Least level logged: a line per request at info, internal errors at error. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** JSON lines, or readable ones (pino-pretty); unset: readable when stdout is a terminal. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /**
   * Serve /metrics on PORT to requests with `Authorization: Bearer <token>`. Unset: /metrics is
   * not served on PORT (404). At least 16 characters.
   */
  METRICS_TOKEN: z.string().min(16, 'needs at least 16 characters').optional(),
  /** Serve /metrics on a port of its own (no token), on METRICS_HOST. Unset: none. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
});
export type Env = z.infer<typeof Env>;

/** Combinations that cannot work, refused at start rather than failing later. */
function combinationProblems(env: Env): string[] {
  const jwt = env.JWT_SECRET !== undefined || env.JWT_JWKS_URL !== undefined;
  if (env.JWT_SECRET && env.JWT_JWKS_URL)
    return ['  JWT_SECRET, JWT_JWKS_URL: set one of them, not both'];
  if (jwt && !env.JWT_AUDIENCE)
    return [
      '  JWT_AUDIENCE: accepted JWTs must name this server as their audience; set it (e.g. ' +
        'JWT_AUDIENCE=confab) and have the app sign tokens with that aud',
    ];
  const postgres = /^postgres(ql)?:\/\//.test(env.DATABASE_URL);
  if (env.WORKERS > 1 && (!postgres || !env.REDIS_URL))
    return [
      `  WORKERS: ${env.WORKERS} processes share one PostgreSQL database and one Redis: set ` +
        'DATABASE_URL=postgres://... and REDIS_URL=redis://... (or WORKERS=1)',
    ];
  if (env.REDIS_URL && !postgres)
    return [
      '  REDIS_URL: Redis fans out between several processes, which must share one PostgreSQL ' +
        'database: set DATABASE_URL=postgres://... (a SQLite file serves one process, with the ' +
        'in-process bus: unset REDIS_URL)',
    ];
  return [];
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = Env.safeParse(source);
  const problems = result.success
    ? combinationProblems(result.data)
    : result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  if (!result.success || problems.length > 0)
    throw new Error(`Invalid environment:\n${problems.join('\n')}`);
  return result.data;
}
