import { randomBytes } from 'node:crypto';
import { promises as dns, type LookupAddress } from 'node:dns';
import { hostname } from 'node:os';
import { fallbackLogger, type Logger } from '../observability/logger.js';

/** One structured line per delivery attempt and per notable event of the notifier. */
export interface NotifyLogEntry {
  event:
    | 'push.sent'
    | 'push.failed'
    | 'push.gone'
    | 'push.dropped'
    | 'webhook.attempt'
    | 'webhook.dropped'
    | 'destination.paused'
    | 'notify.error';
  [field: string]: string | number | boolean | undefined;
}

/** Offline notifications: Web Push and webhooks. Every field is optional. */
export interface NotifyConfig {
  /**
   * Who runs this server, for push services (the VAPID token's `sub`): a `mailto:` or `https:`
   * URL. @default 'mailto:webpush@example.com'
   */
  vapidSubject?: string;
  /**
   * Accept `http:` push endpoints on 127.0.0.1 or localhost (a test push service); unless
   * `allowPrivateAddresses` says otherwise, it also lets in private addresses. @default false
   */
  allowInsecurePushEndpoints?: boolean;
  /**
   * Let push endpoints and webhooks name, or resolve to, loopback, private and other reserved
   * addresses (see addresses.ts): for tests and local development only. Off, such a URL is
   * refused when stored, and a request whose host resolves to one is refused before it
   * connects. @default allowInsecurePushEndpoints
   */
  allowPrivateAddresses?: boolean;
  /**
   * Resolves a destination's host name to its addresses; every one is checked, and the request
   * connects to a checked one (never resolving again). For tests that give names of their own.
   * @default dns.lookup with `all: true`
   */
  lookup?: (hostname: string) => Promise<LookupAddress[]>;
  /** A member's messages in one room within this window make one push. @default 2000 */
  pushCollapseMs?: number;
  /** How long a push service keeps a notification for an unreachable browser. @default 86400 */
  pushTtlSec?: number;
  /** Members with a push pending at once, at most; past it new ones are dropped. @default 100000 */
  pushMaxPending?: number;
  /**
   * Each HTTP request to a push service or a webhook gives up after this, from the name lookup
   * to the end of the response. @default 10000
   */
  requestTimeoutMs?: number;
  /** Outgoing HTTP requests at once, pushes and webhooks together. @default 16 */
  maxConcurrentRequests?: number;
  /**
   * Outgoing HTTP requests at once to one destination (scheme, host and port): a slow push
   * service or receiver holds at most this many of the `maxConcurrentRequests`. @default 4
   */
  maxConcurrentPerDestination?: number;
  /**
   * Failures in a row (network error, timeout, 5xx, 429) after which a destination is paused:
   * its pushes are skipped and its webhook attempts wait until the pause ends. @default 5
   */
  destinationFailuresBeforePause?: number;
  /** The first pause of a failing destination; it doubles with each pause after. @default 5000 */
  destinationPauseBaseMs?: number;
  /** The longest pause of a failing destination. @default 300000 */
  destinationPauseMaxMs?: number;
  /** Attempts per webhook delivery, the first one included. @default 5 */
  webhookMaxAttempts?: number;
  /** Wait before the first retry; it doubles with each retry (with jitter). @default 1000 */
  webhookRetryBaseMs?: number;
  /** The longest wait between two attempts. @default 60000 */
  webhookRetryMaxMs?: number;
  /**
   * Deliveries under way (waiting or retrying) in the outbox at most, all nodes together; more
   * are dropped. @default 10000
   */
  webhookMaxPending?: number;
  /**
   * How often each node looks for due outbox rows (webhook deliveries and retries, push windows
   * that closed) when it has nothing of its own due sooner. @default 250
   */
  outboxPollMs?: number;
  /**
   * While a node's claims keep finding nothing, its wait between them doubles from
   * `outboxPollMs` up to this: rows a live node queued are claimed by that node at once, so an
   * idle poll only finds the rows of a node that died. @default 8 × outboxPollMs (2000)
   */
  outboxIdlePollMaxMs?: number;
  /**
   * A claimed outbox row is this node's for this long, renewed every third of it while the
   * request runs; when a node dies, its rows are sent by another node after at most this.
   * @default 30000
   */
  outboxLeaseMs?: number;
  /** Names this process in the outbox's claims (and logs). @default host/pid/random */
  nodeId?: string;
  /** On close, in-flight requests get this long to finish before they are aborted. @default 5000 */
  closeGraceMs?: number;
  /** Where the structured log goes. @default the server's logger (notifyLogTo) */
  log?: (entry: NotifyLogEntry) => void;
}

export type ResolvedNotifyConfig = Required<NotifyConfig>;

/** Entries that mean something went wrong, at a level an operator alerts on. */
const WARNINGS = new Set<NotifyLogEntry['event']>([
  'push.failed',
  'push.dropped',
  'webhook.dropped',
  'destination.paused',
]);

/** The notifier's entries as lines of a server's logger (`component: notify`). */
export function notifyLogTo(logger: Logger): (entry: NotifyLogEntry) => void {
  const log = logger.child({ component: 'notify' });
  return (entry) => {
    if (entry.event === 'notify.error') log.error(entry, entry.event);
    else if (WARNINGS.has(entry.event)) log.warn(entry, entry.event);
    else log.info(entry, entry.event);
  };
}

const logToFallback = notifyLogTo(fallbackLogger);

export function resolveNotifyConfig(config: NotifyConfig = {}): ResolvedNotifyConfig {
  return {
    vapidSubject: config.vapidSubject ?? 'mailto:webpush@example.com',
    allowInsecurePushEndpoints: config.allowInsecurePushEndpoints ?? false,
    allowPrivateAddresses:
      config.allowPrivateAddresses ?? config.allowInsecurePushEndpoints ?? false,
    lookup: config.lookup ?? ((hostname) => dns.lookup(hostname, { all: true })),
    pushCollapseMs: config.pushCollapseMs ?? 2_000,
    pushTtlSec: config.pushTtlSec ?? 86_400,
    pushMaxPending: config.pushMaxPending ?? 100_000,
    requestTimeoutMs: config.requestTimeoutMs ?? 10_000,
    maxConcurrentRequests: config.maxConcurrentRequests ?? 16,
    maxConcurrentPerDestination: config.maxConcurrentPerDestination ?? 4,
    destinationFailuresBeforePause: config.destinationFailuresBeforePause ?? 5,
    destinationPauseBaseMs: config.destinationPauseBaseMs ?? 5_000,
    destinationPauseMaxMs: config.destinationPauseMaxMs ?? 300_000,
    webhookMaxAttempts: config.webhookMaxAttempts ?? 5,
    webhookRetryBaseMs: config.webhookRetryBaseMs ?? 1_000,
    webhookRetryMaxMs: config.webhookRetryMaxMs ?? 60_000,
    webhookMaxPending: config.webhookMaxPending ?? 10_000,
    outboxPollMs: config.outboxPollMs ?? 250,
    outboxIdlePollMaxMs: config.outboxIdlePollMaxMs ?? 8 * (config.outboxPollMs ?? 250),
    outboxLeaseMs: config.outboxLeaseMs ?? 30_000,
    nodeId: config.nodeId ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`,
    closeGraceMs: config.closeGraceMs ?? 5_000,
    log: config.log ?? logToFallback,
  };
}
