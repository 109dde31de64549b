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
  /** Set when Confab is served over HTTPS (marks the session cookie Secure). */
  SECURE_COOKIES: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
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
