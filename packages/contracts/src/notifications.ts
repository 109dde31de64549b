import * as z from 'zod';
import { EpochMs, MessageId, RoomId, Seq, UserId } from './ids.js';
import { RoomKind } from './models.js';
import { NOTIFICATION_LIMITS } from './notification-limits.js';
import { StoredText, singleLineText, storableText } from './text.js';

export * from './notification-limits.js';

const httpUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: `${what} must be an http(s) URL` })
    // The URL is stored as given (the parser would percent-encode a NUL, but zod keeps the input).
    .check(singleLineText(what))
    .max(
      NOTIFICATION_LIMITS.urlMaxChars,
      `${what} can have at most ${NOTIFICATION_LIMITS.urlMaxChars} characters`,
    );

/**
 * A push service's URL for one browser. The server also requires https, unless it is configured
 * to accept http to a loopback address (`allowInsecurePushEndpoints`, for tests).
 */
export const PushEndpoint = httpUrl('endpoint');

// Base64url as PushSubscription.toJSON() gives it (unpadded; padding is accepted and dropped).
/** The browser's P-256 public key, uncompressed (65 bytes, 0x04 first: 87 characters from "B"). */
export const PushP256dh = z
  .string()
  .regex(/^B[A-Za-z0-9_-]{86}=?$/, 'keys.p256dh must be a 65-byte P-256 public key in base64url')
  .transform((v) => v.replace(/=+$/, ''));
/** The subscription's 16-byte authentication secret (22 characters). */
export const PushAuthSecret = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}(==)?$/, 'keys.auth must be a 16-byte secret in base64url')
  .transform((v) => v.replace(/=+$/, ''));

/** A browser's PushSubscription, as its `toJSON()` gives it (`expirationTime` is ignored). */
export const SubscribePushInput = z.object({
  endpoint: PushEndpoint,
  keys: z.object({ p256dh: PushP256dh, auth: PushAuthSecret }),
});
export type SubscribePushInput = z.input<typeof SubscribePushInput>;

export const UnsubscribePushInput = z.object({ endpoint: PushEndpoint });

export const SetRoomMutedInput = z.object({ roomId: RoomId, muted: z.boolean() });

export const WebhookId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Webhook id has characters an id never has');

export const RegisterWebhookInput = z.object({
  url: httpUrl('url'),
  /** Shared with the receiving app, which checks each delivery's signature with it. */
  secret: z
    .string()
    .check(storableText('secret'))
    .min(
      NOTIFICATION_LIMITS.webhookSecretMinChars,
      `secret needs at least ${NOTIFICATION_LIMITS.webhookSecretMinChars} characters`,
    )
    .max(
      NOTIFICATION_LIMITS.webhookSecretMaxChars,
      `secret can have at most ${NOTIFICATION_LIMITS.webhookSecretMaxChars} characters`,
    ),
});
export type RegisterWebhookInput = z.input<typeof RegisterWebhookInput>;

export const WebhookRef = z.object({ webhookId: WebhookId });

/** A registered webhook as the API shows it: the secret is never shown again. */
export const Webhook = z.object({ id: WebhookId, url: StoredText, createdAt: EpochMs });
export type Webhook = z.infer<typeof Webhook>;

/**
 * What a Web Push notification carries, once the service worker has it decrypted: one per room,
 * collapsed over a short window, shown with `tag` so that it replaces the room's previous one.
 */
export const PushNotificationPayload = z.object({
  type: z.literal('room.messages'),
  /** `room:<roomId>`: the Notification tag (the push message's Topic header is per room too). */
  tag: z.string(),
  roomId: RoomId,
  /** The room's name; for a direct room, the other person's display name. */
  roomName: StoredText,
  roomKind: RoomKind,
  /** Messages by others the recipient has not read in the room, when it was sent. */
  count: z.number().int().min(1),
  /** The newest message of the burst. */
  lastMessage: z.object({
    id: MessageId,
    seq: Seq,
    authorDisplayName: StoredText,
    /** The body, cut to NOTIFICATION_LIMITS.previewMaxChars characters ("…" marks a cut). */
    bodyPreview: StoredText,
    createdAt: EpochMs,
  }),
});
export type PushNotificationPayload = z.infer<typeof PushNotificationPayload>;

const Person = z.object({ userId: UserId, username: StoredText, displayName: StoredText });

/**
 * The JSON body of a webhook delivery: one per message per webhook, sent when some members have
 * no live connection. Signed: see `Confab-Signature` in docs/notifications.md.
 */
export const WebhookDelivery = z.object({
  /** Unique per delivery and kept across its retries: receivers drop one they have seen. */
  deliveryId: z.string(),
  type: z.literal('message.created'),
  /** When Confab created the delivery. */
  createdAt: EpochMs,
  room: z.object({ id: RoomId, name: StoredText, kind: RoomKind }),
  message: z.object({
    id: MessageId,
    seq: Seq,
    body: StoredText,
    createdAt: EpochMs,
    author: Person,
  }),
  /**
   * Members with no live connection whose notification level for the room lets this message
   * through ('all', or 'mentions' when it names them); never the author. `mentioned`: the message
   * names them with `@username` or `@room`.
   */
  recipients: z.array(Person.extend({ mentioned: z.boolean() })).min(1),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

const Count = z.number().int().min(0);

/** Counters since the process started (notifications.stats; also for /metrics). */
export const NotificationStats = z.object({
  push: z.object({
    /** Notifications scheduled: the first message of a (recipient, room) window. */
    scheduled: Count,
    /** Messages folded into a notification already scheduled. */
    collapsed: Count,
    /** Requests a push service accepted (2xx). */
    sent: Count,
    /** Requests that failed (network error, or a status other than 2xx, 404 and 410). */
    failed: Count,
    /** Subscriptions removed because the push service answered 404 or 410. */
    gone: Count,
    /** Notifications never scheduled because too many were pending. */
    dropped: Count,
  }),
  webhooks: z.object({
    /** Every HTTP attempt, first tries and retries. */
    attempts: Count,
    /** Deliveries a receiver accepted (2xx). */
    delivered: Count,
    /** Failed attempts followed by a retry. */
    retried: Count,
    /** Deliveries given up after the last attempt. */
    failed: Count,
    /** Deliveries never attempted or abandoned: queue full, or the server shut down. */
    dropped: Count,
  }),
});
export type NotificationStats = z.infer<typeof NotificationStats>;
