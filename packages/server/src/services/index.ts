import { LIMITS } from '@confab/contracts';
import type { Bus } from '../ports/bus.js';
import type { Store } from '../ports/store.js';
import type { Services } from '../trpc.js';
import { createAccounts } from './accounts.js';
import { createMessages } from './messages.js';
import { createRateLimiter } from './rate-limit.js';
import { createRooms } from './rooms.js';

export function createServices(deps: { store: Store; bus: Bus; now?: () => number }): Services {
  const now = deps.now ?? Date.now;
  const { store, bus } = deps;
  const rooms = createRooms({ store, bus, now });
  const sendLimiter = createRateLimiter({
    ratePerSecond: LIMITS.sendsPerSecond,
    burst: LIMITS.sendBurst,
    now,
  });
  return {
    store,
    bus,
    accounts: createAccounts({ store, bus, now }),
    rooms,
    messages: createMessages({ store, rooms, sendLimiter, now }),
  };
}
