import {
  RegisterWebhookInput,
  SetNotificationLevelInput,
  SetRoomMutedInput,
  SubscribePushInput,
  UnsubscribePushInput,
  WebhookRef,
} from '@confab/contracts';
import { apiKeyProcedure, authedProcedure, router } from '../trpc.js';

/** Offline notifications: Web Push for browsers, room muting, and webhooks for other apps. */
export const notificationsRouter = router({
  /** The server's VAPID public key (base64url): `applicationServerKey` for pushManager.subscribe. */
  vapidPublicKey: authedProcedure.query(({ ctx }) => ctx.services.notify.vapidPublicKey()),
  /** Stores this device's PushSubscription (its `toJSON()`), replacing the device's previous one. */
  subscribePush: authedProcedure
    .input(SubscribePushInput)
    .mutation(({ ctx, input }) => ctx.services.notify.subscribePush(ctx.auth, input)),
  unsubscribePush: authedProcedure
    .input(UnsubscribePushInput)
    .mutation(({ ctx, input }) => ctx.services.notify.unsubscribePush(ctx.auth, input.endpoint)),
  /** Muted is the 'mentions' level (a mention still notifies); unmuted is 'all'. */
  setRoomMuted: authedProcedure
    .input(SetRoomMutedInput)
    .mutation(({ ctx, input }) => ctx.services.notify.setRoomMuted(ctx.auth, input)),
  /** Rooms whose level is not 'all'. */
  mutedRooms: authedProcedure.query(({ ctx }) => ctx.services.notify.mutedRooms(ctx.auth)),
  /** The member's level for a room: every message, only mentions of them, or nothing. */
  setRoomLevel: authedProcedure
    .input(SetNotificationLevelInput)
    .mutation(({ ctx, input }) => ctx.services.notify.setRoomLevel(ctx.auth, input)),
  /** The caller's rooms whose level is not 'all'. */
  roomLevels: authedProcedure.query(({ ctx }) => ctx.services.notify.roomLevels(ctx.auth)),

  /** Server-to-server (`X-Api-Key`): Confab POSTs signed message events to `url`. */
  registerWebhook: apiKeyProcedure
    .input(RegisterWebhookInput)
    .mutation(({ ctx, input }) => ctx.services.notify.registerWebhook(input)),
  webhooks: apiKeyProcedure.query(({ ctx }) => ctx.services.notify.webhooks()),
  deleteWebhook: apiKeyProcedure
    .input(WebhookRef)
    .mutation(({ ctx, input }) => ctx.services.notify.deleteWebhook(input.webhookId)),
  /** Delivery counters since the process started. */
  stats: apiKeyProcedure.query(({ ctx }) => ctx.services.notify.metrics()),
});
