import { z } from 'zod';

/** Every setting the process reads, parsed once. Nothing else reads process.env. */
const Env = z.object({
  /** Port for the API and the web app. 0 picks a free one. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to listen on. */
  HOST: z.string().default('127.0.0.1'),
  /** `postgres://...` for PostgreSQL; otherwise a SQLite file path. */
  DATABASE_URL: z.string().default('./data/confab.db'),
  /** The built web app to serve at `/`; empty to serve none. */
  WEB_DIST: z.string().optional(),
  /** Comma-separated API keys for the server-to-server push API; none disables it. */
  API_KEYS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .refine(
      (keys) => keys.every((k) => k.length >= 16),
      'each API key needs at least 16 characters',
    ),
  /** Messages (sends, edits, deletes) per user per second, and the burst allowed above it. */
  SENDS_PER_SECOND: z.coerce.number().positive().default(10),
  SEND_BURST: z.coerce.number().int().min(1).default(20),
  /** Set when Confab is served over HTTPS (marks the session cookie Secure). */
  SECURE_COOKIES: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Contact for push services (the VAPID token's subject): a mailto: or https: URL. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)\S+$/, 'must be a mailto: or https:// URL')
    .default('mailto:webpush@example.com'),
  /** Messages to one member in one room within this many ms make one Web Push. */
  PUSH_COLLAPSE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /** Accept http push endpoints on 127.0.0.1/localhost (a local test push service only). */
  ALLOW_INSECURE_PUSH_ENDPOINTS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Attempts per webhook delivery, and the wait before the first retry (it doubles). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(1000),
});
export type Env = z.infer<typeof Env>;

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = Env.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `  ${i.path.join('.')}: ${i.message}`)
      .join('\n');
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return result.data;
}
