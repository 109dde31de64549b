export { DEFAULT_SEARCH_BOUNDS, type SearchBounds } from './adapters/kysely/search.js';
export {
  createPostgresStore,
  createSqliteStore,
  createStoreFromUrl,
  type StoreOptions,
} from './adapters/kysely/store.js';
export { createMemoryBus } from './adapters/memory-bus.js';
export { createRedisBus, type RedisBusOptions } from './adapters/redis-bus.js';
export {
  createRedisPresenceDirectory,
  type RedisPresenceDirectoryOptions,
} from './adapters/redis-presence-directory.js';
export { createRedisRateLimitStore } from './adapters/redis-rate-limit-store.js';
// Online backup and restore of either store (the admin command line's backup/restore).
export {
  type BackupOptions,
  backupDatabase,
  restoreDatabase,
} from './backup/database.js';
export { BackupError, type StoreSummary } from './backup/summary.js';
export {
  type ConnectionLimits,
  DEFAULT_CONNECTION_LIMITS,
} from './http/connection-limits.js';
export {
  DEFAULT_DRAIN_SPREAD_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  type DrainOptions,
} from './http/drain.js';
export {
  type ChatServer,
  type ChatServerConfig,
  createChatServer,
  TRPC_PATH,
} from './http/server.js';
export type { NotifyConfig, NotifyLogEntry } from './notify/config.js';
export {
  signWebhookPayload,
  type VerifyWebhookOptions,
  type VerifyWebhookResult,
  verifyWebhookSignature,
  WEBHOOK_HEADERS,
} from './notify/verify.js';
// Logs, metrics and health (docs/operations.md).
export {
  createLogger,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './observability/logger.js';
export type { Metrics } from './observability/metrics.js';
export { createMetricsServer } from './observability/metrics-route.js';
export type { Bus, BusMessage, BusTopic } from './ports/bus.js';
export type { Notifier } from './ports/notifier.js';
export type { PresenceDirectory } from './ports/presence-directory.js';
export type { ApiKeyRecord, SessionRecord, Store } from './ports/store.js';
export type { AppRouter } from './routers/root.js';
export {
  DEFAULT_RATE_RULES,
  type RateKind,
  type RateLimitStore,
  type RateRule,
  type RateRules,
  unreachableRateRules,
} from './services/abuse-limits.js';
// What the admin command line (apps/api/src/admin.ts) needs to make accounts and API keys.
export { API_KEY_PREFIX, newApiKey } from './services/api-keys.js';
export { isCommonPassword } from './services/common-passwords.js';
export { hashPassword, newId } from './services/crypto.js';
export {
  createRetention,
  type Retention,
  type RetentionOptions,
  type RetentionReport,
  startRetentionJob,
} from './services/retention.js';
export { DEFAULT_SEARCH_CONCURRENCY, type SearchConcurrency } from './services/search.js';
export type { ErrorData } from './trpc.js';
