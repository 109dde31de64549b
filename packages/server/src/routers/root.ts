import { router } from '../trpc.js';
import { accountRouter } from './account.js';
import { authRouter } from './auth.js';
import { eventsRouter } from './events.js';
import { identityRouter } from './identity.js';
import { messageRouter } from './message.js';
import { notificationsRouter } from './notifications.js';
import { presenceRouter } from './presence.js';
import { pushRouter } from './push.js';
import { roomRouter } from './room.js';

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  room: roomRouter,
  message: messageRouter,
  events: eventsRouter,
  push: pushRouter,
  identity: identityRouter,
  presence: presenceRouter,
  notifications: notificationsRouter,
});

/** The API's type: clients import it with `import type` and nothing else. */
export type AppRouter = typeof appRouter;
