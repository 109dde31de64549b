import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createChatServer,
  createMemoryBus,
  createMetricsServer,
  createRedisBus,
  createRedisPresenceDirectory,
  createRedisRateLimitStore,
  createRetention,
  createStoreFromUrl,
  startRetentionJob,
} from '@confab/server';
import { parseEnv } from './env.js';
import { processLogger, startupFailure } from './logging.js';
import { runPrimary } from './workers.js';

/** Where the built web app sits relative to this file (dist/main.js or src/main.ts). */
function defaultWebDist(): string | undefined {
  const candidate = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');
  return existsSync(resolve(candidate, 'index.html')) ? candidate : undefined;
}

/** How long closing the bus, store and Redis clients may take after the drain's deadline. */
const SHUTDOWN_GRACE_MS = 5_000;

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  if (env.WORKERS > 1 && cluster.isPrimary) {
    runPrimary(env.WORKERS, (line) => console.log(line));
    return;
  }
  const logger = processLogger(env.LOG_LEVEL, env.LOG_FORMAT);
  // SEARCH_LIMITS's keys are the store's (scanMax, timeoutMs) and the service's (concurrent…).
  const store = await createStoreFromUrl(env.DATABASE_URL, { search: env.SEARCH_LIMITS });
  const bus = env.REDIS_URL ? await createRedisBus(env.REDIS_URL) : createMemoryBus();
  // With several processes, rate limits count in Redis so that they hold across all of them.
  const rateLimitStore = env.REDIS_URL ? await createRedisRateLimitStore(env.REDIS_URL) : undefined;
  // With several processes, each records its users' presence in Redis to see everyone's.
  const presenceDirectory = env.REDIS_URL
    ? await createRedisPresenceDirectory(env.REDIS_URL)
    : undefined;
  const staticDir = env.WEB_DIST === undefined ? defaultWebDist() : env.WEB_DIST || undefined;
  const server = createChatServer({
    store,
    bus,
    config: {
      staticDir,
      secureCookies: env.SECURE_COOKIES,
      apiKeys: env.API_KEYS,
      sendRate: { perSecond: env.SENDS_PER_SECOND, burst: env.SEND_BURST },
      notifications: {
        vapidSubject: env.VAPID_SUBJECT,
        pushCollapseMs: env.PUSH_COLLAPSE_MS,
        allowInsecurePushEndpoints: env.ALLOW_INSECURE_PUSH_ENDPOINTS,
        webhookMaxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
        webhookRetryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
        outboxLeaseMs: env.NOTIFY_OUTBOX_LEASE_MS,
        allowPrivateAddresses: env.ALLOW_PRIVATE_ADDRESSES || env.ALLOW_INSECURE_PUSH_ENDPOINTS,
        maxConcurrentPerDestination: env.NOTIFY_MAX_PER_DESTINATION,
        requestTimeoutMs: env.NOTIFY_REQUEST_TIMEOUT_MS,
      },
      allowedOrigins: env.ALLOWED_ORIGINS,
      corsOrigins: env.CORS_ORIGINS,
      ...(env.JWT_AUDIENCE && (env.JWT_SECRET || env.JWT_JWKS_URL)
        ? {
            jwt: {
              secret: env.JWT_SECRET,
              jwksUrl: env.JWT_JWKS_URL,
              audience: env.JWT_AUDIENCE,
              issuer: env.JWT_ISSUER,
              allowPrivateAddresses: env.ALLOW_PRIVATE_ADDRESSES,
            },
          }
        : {}),
      trustProxy: env.TRUST_PROXY,
      rateLimits: env.RATE_LIMITS,
      ...(rateLimitStore ? { rateLimitStore } : {}),
      ...(presenceDirectory ? { presenceDirectory } : {}),
      connectionLimits: env.CONNECTION_LIMITS,
      searchConcurrency: env.SEARCH_LIMITS,
      responseCompression: env.RESPONSE_COMPRESSION,
      logger,
      ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    },
  });
  const url = await server.listen(env.PORT, env.HOST);
  // With WORKERS > 1 the workers share this port as they share PORT: a scrape reaches one.
  const metricsServer =
    env.METRICS_PORT === undefined ? undefined : createMetricsServer(server.metrics);
  const metricsUrl = await metricsServer?.listen(env.METRICS_PORT ?? 0, env.METRICS_HOST);
  // Rooms may set their own retention, so the job runs even without a server default.
  const retention = startRetentionJob(
    createRetention(store, { defaultDays: env.RETENTION_DAYS ?? null }),
    { intervalMs: env.RETENTION_INTERVAL_MS, log: logger },
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining connections and closing`);
    // The drain cuts what is left at its deadline; this bounds what comes after it too (closing
    // the store waits for the queries still running, which a stuck database could hold forever).
    setTimeout(() => {
      console.error(`Shutdown still not done ${SHUTDOWN_GRACE_MS} ms after the drain deadline`);
      process.exit(1);
    }, env.DRAIN_TIMEOUT_MS + SHUTDOWN_GRACE_MS).unref();
    retention
      .stop()
      .then(() =>
        server.close({ drainTimeoutMs: env.DRAIN_TIMEOUT_MS, drainSpreadMs: env.DRAIN_SPREAD_MS }),
      )
      .then(() => metricsServer?.close())
      .then(() => rateLimitStore?.close())
      .then(() => presenceDirectory?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('Shutdown failed', error);
          process.exit(1);
        },
      );
  };
  // Before the line that says it runs: a SIGTERM right after it must drain, not kill.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const storage = store.dialect === 'sqlite' ? `SQLite ${resolve(env.DATABASE_URL)}` : 'PostgreSQL';
  const fanOut = env.REDIS_URL ? 'Redis' : 'in-process';
  const metricsAt = metricsUrl ? `; metrics: ${metricsUrl}/metrics` : '';
  const setup = `storage: ${storage}; fan-out: ${fanOut}; web app: ${staticDir ? 'served' : 'not built'}${metricsAt}`;
  // A worker's line is not the one to wait for: the primary says when all of them listen.
  if (cluster.isWorker) console.log(`worker ${process.pid} listening  (${setup})`);
  else console.log(`Confab is running at ${url}  (${setup})`);
}

main().catch((error: unknown) => {
  // Plain text on stderr: it may be the logger's own settings that are wrong.
  console.error(`Confab could not start: ${startupFailure(error)}`);
  process.exit(1);
});
