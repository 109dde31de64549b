import { LIMITS } from '@confab/contracts';
import type { Bus } from '../ports/bus.js';
import type { Store } from '../ports/store.js';
import type { Services } from '../trpc.js';
import { createAccounts } from './accounts.js';
import { createMessages } from './messages.js';
import { createPolling } from './poll.js';
import { createPush } from './push.js';
import { createRateLimiter } from './rate-limit.js';
import { createRooms } from './rooms.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from './stream.js';

export interface ServicesConfig {
  /** Keys that may call the push API; none disables it. */
  apiKeys?: readonly string[];
  streamLimits?: Partial<StreamLimits>;
  /** Writes per user: refill rate and bucket size. @default LIMITS.sendsPerSecond / sendBurst */
  sendRate?: { perSecond: number; burst: number };
  now?: () => number;
}

export function createServices(
  deps: { store: Store; bus: Bus },
  config: ServicesConfig = {},
): Services {
  const now = config.now ?? Date.now;
  const { store, bus } = deps;
  const rooms = createRooms({ store, bus, now });
  const sendLimiter = createRateLimiter({
    ratePerSecond: config.sendRate?.perSecond ?? LIMITS.sendsPerSecond,
    burst: config.sendRate?.burst ?? LIMITS.sendBurst,
    now,
  });
  const streamLimits = { ...DEFAULT_STREAM_LIMITS, ...config.streamLimits };
  return {
    store,
    bus,
    accounts: createAccounts({ store, bus, now }),
    rooms,
    messages: createMessages({ store, bus, rooms, sendLimiter, now }),
    push: createPush({ store, bus, rooms, apiKeys: config.apiKeys ?? [], now }),
    polling: createPolling({ store, bus, streamLimits }),
    streamLimits,
  };
}
