import {
  ERROR_CODES,
  NOTIFICATION_LIMITS,
  type NotificationLevel,
  type SubscribePushInput,
  type Webhook,
} from '@confab/contracts';
import type * as z from 'zod';
import { AppError } from '../errors.js';
import type { RoomLevel } from '../ports/mentions-store.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from '../services/accounts.js';
import { newId } from '../services/crypto.js';
import type { Rooms } from '../services/rooms.js';
import type { ResolvedNotifyConfig } from './config.js';
import { isP256PublicKey, pushEndpointProblem, webhookUrlProblem } from './endpoints.js';

/** What the notifications router changes: push subscriptions, mutes, webhooks. */
export function createNotificationSettings(deps: {
  store: Store;
  rooms: Pick<Rooms, 'requireMember'>;
  config: Pick<ResolvedNotifyConfig, 'allowInsecurePushEndpoints' | 'allowPrivateAddresses'>;
  now: () => number;
  /** Called after a webhook was added or removed (the notifier caches the list). */
  webhooksChanged: () => void;
}) {
  const { store, rooms, config, now } = deps;
  return {
    /** Stores this device's (session's) subscription, replacing its previous one. */
    async subscribePush(
      auth: Authenticated,
      input: z.output<typeof SubscribePushInput>,
    ): Promise<{ ok: true }> {
      const problem = pushEndpointProblem(input.endpoint, config);
      if (problem) throw new AppError(ERROR_CODES.VALIDATION, problem);
      if (!isP256PublicKey(input.keys.p256dh))
        throw new AppError(ERROR_CODES.VALIDATION, 'keys.p256dh is not a P-256 public key');
      await store.savePushSubscription({
        endpoint: input.endpoint,
        userId: auth.user.id,
        sessionId: auth.session.id,
        p256dh: input.keys.p256dh,
        auth: input.keys.auth,
        createdAt: now(),
      });
      return { ok: true };
    },

    /** Removes one of the user's subscriptions; `removed` is false when they had none there. */
    async unsubscribePush(auth: Authenticated, endpoint: string): Promise<{ removed: boolean }> {
      return { removed: await store.deletePushSubscription(endpoint, auth.user.id) };
    },

    /** Members only: a private room does not exist for others, a public one is FORBIDDEN. */
    async setRoomMuted(auth: Authenticated, input: { roomId: string; muted: boolean }) {
      await rooms.requireMember(auth, input.roomId);
      await store.setRoomMuted(input.roomId, auth.user.id, input.muted);
      return { roomId: input.roomId, muted: input.muted };
    },

    async mutedRooms(auth: Authenticated): Promise<{ roomIds: string[] }> {
      return { roomIds: await store.mutedRoomsOf(auth.user.id) };
    },

    /**
     * Members only, as muting. Like setRoomMuted it publishes no stream event: the user's other
     * devices read roomLevels when they need it.
     */
    async setRoomLevel(auth: Authenticated, input: { roomId: string; level: NotificationLevel }) {
      await rooms.requireMember(auth, input.roomId);
      await store.setRoomLevel(input.roomId, auth.user.id, input.level);
      return { roomId: input.roomId, level: input.level };
    },

    /** The caller's rooms whose level is not 'all', by room id. */
    async roomLevels(auth: Authenticated): Promise<RoomLevel[]> {
      return await store.roomLevelsOf(auth.user.id);
    },

    /** Refuses a URL naming a loopback, private or reserved address (VALIDATION). */
    async registerWebhook(input: { url: string; secret: string }): Promise<Webhook> {
      const problem = webhookUrlProblem(input.url, config);
      if (problem) throw new AppError(ERROR_CODES.VALIDATION, problem);
      const webhook = { id: newId(), url: input.url, secret: input.secret, createdAt: now() };
      const created = await store.createWebhook(webhook, NOTIFICATION_LIMITS.webhooksMax);
      deps.webhooksChanged();
      if (created !== 'created') {
        throw new AppError(
          ERROR_CODES.CONFLICT,
          `At most ${NOTIFICATION_LIMITS.webhooksMax} webhooks can be registered`,
        );
      }
      return { id: webhook.id, url: webhook.url, createdAt: webhook.createdAt };
    },

    /** The registered webhooks, without their secrets. */
    async webhooks(): Promise<Webhook[]> {
      return (await store.webhooks()).map(({ id, url, createdAt }) => ({ id, url, createdAt }));
    },

    async deleteWebhook(id: string): Promise<{ removed: boolean }> {
      const removed = await store.deleteWebhook(id);
      deps.webhooksChanged();
      return { removed };
    },
  };
}
