import { LIMITS } from '@confab/contracts';
import type { NotifyConfig } from '../notify/config.js';
import { notifyLogTo } from '../notify/config.js';
import { createNotifications } from '../notify/service.js';
import { fallbackLogger, type Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Bus } from '../ports/bus.js';
import type { Notifier } from '../ports/notifier.js';
import type { PresenceDirectory } from '../ports/presence-directory.js';
import type { Store } from '../ports/store.js';
import { reportError } from '../report.js';
import type { Services } from '../trpc.js';
import { createAbuseLimits, type RateLimitStore, type RateRules } from './abuse-limits.js';
import { createAccounts } from './accounts.js';
import { createFiles } from './files.js';
import { createIdentity } from './identity.js';
import { withExpiringSessions } from './identity-auth.js';
import { createJwtVerifier, type JwtConfig } from './identity-jwt.js';
import { createMentions } from './mentions.js';
import { createMessages } from './messages.js';
import { createPolling, type PollingOptions } from './poll.js';
import { createPresence } from './presence.js';
import { createPush } from './push.js';
import { createRateLimiter, createRedisRateLimiter } from './rate-limit.js';
import { createReactions } from './reactions.js';
import { createRooms } from './rooms.js';
import { createSearch, type SearchConcurrency } from './search.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from './stream.js';
import { createThreads } from './threads.js';
import { createTyping } from './typing.js';

export interface ServicesConfig {
  /** Keys that may call the push API; none disables it. */
  apiKeys?: readonly string[];
  /** Accept JWTs that an app signs for its users (see identity-jwt.ts). @default off */
  jwt?: JwtConfig | undefined;
  streamLimits?: Partial<StreamLimits>;
  /** An SSE device without a heartbeat for this long is gone. @default LIMITS.heartbeatTtlMs */
  heartbeatTtlMs?: number;
  /** Writes per user: refill rate and bucket size. @default LIMITS.sendsPerSecond / sendBurst */
  sendRate?: { perSecond: number; burst: number };
  /** Offline notifications: Web Push and webhooks. */
  notifications?: NotifyConfig;
  /** Rate limits per user and per address. @default DEFAULT_RATE_RULES */
  rateLimits?: Partial<RateRules>;
  /** Where rate-limit counters (and the send limit's) live. @default this process's memory */
  rateLimitStore?: RateLimitStore;
  /** Long-poll session caps and buffer bounds (see poll.ts for the defaults). */
  polling?: PollingOptions;
  /**
   * Where each node records its users' presence, to see everyone's over all nodes (see
   * ports/presence-directory.ts). @default this process alone
   */
  presenceDirectory?: PresenceDirectory;
  /** Searches running at once, in all and per user. @default DEFAULT_SEARCH_CONCURRENCY */
  searchConcurrency?: Partial<SearchConcurrency>;
  now?: () => number;
}

export function createServices(
  /** `notifier`: who hears of new messages. @default the Web Push and webhook notifier */
  deps: { store: Store; bus: Bus; notifier?: Notifier; log?: Logger; metrics?: Metrics },
  config: ServicesConfig = {},
): Services {
  const now = config.now ?? Date.now;
  const { store, metrics } = deps;
  const log = deps.log ?? fallbackLogger;
  const bus = publishingAfterCommit(deps.bus, log);
  const rooms = createRooms({ store, bus, now });
  const sendRate = {
    perSecond: config.sendRate?.perSecond ?? LIMITS.sendsPerSecond,
    burst: config.sendRate?.burst ?? LIMITS.sendBurst,
  };
  // With a shared store the send limit holds across every process, as the other limits do.
  const sendLimiter = config.rateLimitStore
    ? createRedisRateLimiter(config.rateLimitStore, sendRate)
    : createRateLimiter({ ratePerSecond: sendRate.perSecond, burst: sendRate.burst, now });
  const streamLimits = { ...DEFAULT_STREAM_LIMITS, ...config.streamLimits };
  const presence = createPresence({
    store,
    bus,
    now,
    ...(config.heartbeatTtlMs ? { heartbeatTtlMs: config.heartbeatTtlMs } : {}),
    ...(config.presenceDirectory ? { directory: config.presenceDirectory } : {}),
    log,
  });
  const notify = createNotifications(
    { store, presence, rooms, now },
    { log: notifyLogTo(log), ...config.notifications },
  );
  const notifier = deps.notifier ?? notify;
  const accounts = createAccounts({ store, bus, now, log });
  const messages = createMessages({ store, bus, rooms, sendLimiter, notifier, now, metrics });
  const identity = createIdentity({
    store,
    bus,
    now,
    forgetSession: accounts.forgetSession,
    jwt: config.jwt ? createJwtVerifier(config.jwt) : undefined,
  });
  return {
    store,
    bus,
    accounts: withExpiringSessions(accounts, identity, now),
    identity,
    rooms,
    messages,
    reactions: createReactions({ store, rooms, takeWriteToken: messages.takeWriteToken, now }),
    threads: createThreads({ store, rooms }),
    search: createSearch({
      store,
      rooms,
      ...(config.searchConcurrency ? { concurrency: config.searchConcurrency } : {}),
    }),
    files: createFiles({ store, rooms, now, log }),
    mentions: createMentions({ store }),
    push: createPush({ store, bus, rooms, notifier, apiKeys: config.apiKeys ?? [], now }),
    polling: createPolling({ store, bus, presence, streamLimits, metrics, ...config.polling }),
    presence,
    typing: createTyping({ bus, rooms, now }),
    streamLimits,
    notify,
    limits: createAbuseLimits(config.rateLimits, config.rateLimitStore, (kind) =>
      metrics?.rateLimited(kind),
    ),
    log,
    ...(metrics ? { metrics } : {}),
  };
}

/**
 * The bus as services use it: every publish follows a commit, so a publish that fails (Redis
 * unreachable) must not turn a committed change into an error for its caller, who would retry
 * it. It is logged; the bus tells its subscribers of the loss (`gap`) and they re-read the log.
 */
function publishingAfterCommit(bus: Bus, log: Logger): Bus {
  return {
    async publish(topic, message) {
      try {
        await bus.publish(topic, message);
      } catch (error) {
        reportError(`bus publish on ${topic.split(':')[0]}`, error, log);
      }
    },
    ...(bus.spansProcesses ? { spansProcesses: true } : {}),
    subscribe: (topic, handler) => bus.subscribe(topic, handler),
    unsubscribe: (topic, handler) => bus.unsubscribe(topic, handler),
    close: () => bus.close(),
  };
}
