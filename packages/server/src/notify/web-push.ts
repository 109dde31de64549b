import { createHash } from 'node:crypto';
import { LIMITS, type PushNotificationPayload } from '@confab/contracts';
import { loadWebPush } from '../lazy-modules.js';
import type { PushSubscriptionRecord, Store, VapidKeys } from '../ports/store.js';
import type { ResolvedNotifyConfig } from './config.js';
import type { Outbound } from './outbound.js';
import type { Telemetry } from './telemetry.js';

/**
 * The Topic header (RFC 8030 §5.4): a push service keeps only the newest undelivered message of
 * a topic, so a browser that was offline gets one notification per room. At most 32 base64url
 * characters; a room id may be longer, so it is hashed.
 */
export function roomTopic(roomId: string): string {
  return createHash('sha256').update(roomId).digest('base64url').slice(0, 32);
}

/**
 * Sends Web Push messages: the payload encrypted for the browser (aes128gcm, RFC 8291) and a
 * VAPID token (RFC 8292), both by the `web-push` library, POSTed through the notifier's
 * outbound requests (address checks, timeout, concurrency limits, destination pauses). A push
 * that fails is not retried: the next message makes another.
 */
export function createPushSender(deps: {
  store: Pick<Store, 'pushSubscriptionsOf' | 'deletePushSubscription'>;
  config: Pick<ResolvedNotifyConfig, 'vapidSubject' | 'pushTtlSec'>;
  telemetry: Telemetry;
  outbound: Pick<Outbound, 'post'>;
  vapidKeys: () => Promise<VapidKeys>;
  now: () => number;
}) {
  const { store, config, telemetry, outbound } = deps;

  async function post(
    subscription: PushSubscriptionRecord,
    body: string,
    topic: string,
    keys: VapidKeys,
  ): Promise<'aborted' | undefined> {
    const webpush = await loadWebPush();
    const details = webpush.generateRequestDetails(
      {
        endpoint: subscription.endpoint,
        keys: { p256dh: subscription.p256dh, auth: subscription.auth },
      },
      body,
      {
        vapidDetails: { subject: config.vapidSubject, ...keys },
        TTL: config.pushTtlSec,
        topic,
        urgency: 'normal',
        contentEncoding: 'aes128gcm',
      },
    );
    // fetch sets Content-Length from the body itself.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers)) {
      if (name.toLowerCase() !== 'content-length' && value !== undefined)
        headers[name] = String(value);
    }
    // The endpoint is a capability (anyone holding it can push): log its origin only.
    const where = {
      userId: subscription.userId,
      sessionId: subscription.sessionId,
      origin: new URL(subscription.endpoint).origin,
    };
    const result = await outbound.post(details.endpoint, {
      headers,
      // A plain Uint8Array view: DOM's BodyInit (the web app checks this file) has no Buffer.
      body: details.body ? new Uint8Array(details.body) : null,
    });
    if ('failure' in result) {
      // Refused, paused, timed out, unreachable: failed, and the subscription is kept.
      telemetry.count('push', 'failed');
      telemetry.log({ event: 'push.failed', ...where, ...result });
      return result.failure === 'aborted' ? 'aborted' : undefined;
    }
    const { status, durationMs } = result;
    if (status >= 200 && status < 300) {
      telemetry.count('push', 'sent');
      telemetry.log({ event: 'push.sent', ...where, status, durationMs });
    } else if (status === 404 || status === 410) {
      // The browser unsubscribed or the subscription expired: it will never work again.
      await store.deletePushSubscription(subscription.endpoint);
      telemetry.count('push', 'gone');
      telemetry.log({ event: 'push.gone', ...where, status, durationMs });
    } else {
      telemetry.count('push', 'failed');
      telemetry.log({ event: 'push.failed', ...where, status, durationMs });
    }
    return undefined;
  }

  return {
    /**
     * Sends `payload` to every live device of the user that subscribed. 'aborted' when the
     * process stopped before a push service answered (the push is worth sending again).
     */
    async toUser(userId: string, payload: PushNotificationPayload): Promise<'aborted' | undefined> {
      const subscriptions = await store.pushSubscriptionsOf(
        [userId],
        deps.now() - LIMITS.sessionIdleTtlMs,
      );
      if (subscriptions.length === 0) return undefined;
      const keys = await deps.vapidKeys();
      const body = JSON.stringify(payload);
      const topic = roomTopic(payload.roomId);
      const results = await Promise.all(
        subscriptions.map((subscription) => post(subscription, body, topic, keys)),
      );
      return results.includes('aborted') ? 'aborted' : undefined;
    },
  };
}
export type PushSender = ReturnType<typeof createPushSender>;
