import * as z from 'zod';
import { NotificationLevel } from './conversation.js';
import { EpochMs, RoomId, Seq, SessionId } from './ids.js';
import { Message, Role, Room, Session, Settings, User } from './models.js';
import { StoredText, storableText } from './text.js';

/** Bounds of message retention (room.setRetention) and of the account procedures. */
export const RETENTION_LIMITS = {
  /** Shortest retention a room may set: a day. */
  retentionDaysMin: 1,
  /** Longest: 100 years (beyond that, leave it unset). */
  retentionDaysMax: 36_500,
} as const;

/**
 * A room's message retention: messages older than this many days are deleted (with the rest of
 * the log before them). null: the server's default (RETENTION_DAYS), which may be none.
 */
export const RetentionDays = z
  .number()
  .int('Retention is a whole number of days')
  .min(
    RETENTION_LIMITS.retentionDaysMin,
    `Retention is at least ${RETENTION_LIMITS.retentionDaysMin} day`,
  )
  .max(
    RETENTION_LIMITS.retentionDaysMax,
    `Retention is at most ${RETENTION_LIMITS.retentionDaysMax} days`,
  )
  .nullable();

export const SetRoomRetentionInput = z.object({ roomId: RoomId, retentionDays: RetentionDays });
export type SetRoomRetentionInput = z.input<typeof SetRoomRetentionInput>;

/** What room.retention answers: the room's own setting and where its history now begins. */
export const RoomRetention = z.object({
  roomId: RoomId,
  /** The room's own setting; null follows the server's default. */
  retentionDays: RetentionDays,
  /** The first seq still in the room's log: everything before it was deleted (1 when none). */
  startSeq: Seq,
});
export type RoomRetention = z.infer<typeof RoomRetention>;

/** Deleting an account asks for its password again: a stolen session alone cannot do it. */
export const DeleteAccountInput = z.object({
  password: z.string().check(storableText('Password')).min(1, 'Password is required').max(256),
});
export type DeleteAccountInput = z.input<typeof DeleteAccountInput>;

/** One room the user is in, as the export lists it. */
export const ExportedMembership = z.object({
  room: Room,
  role: Role,
  joinedAt: EpochMs,
  lastReadSeq: Seq,
  /** True unless the notification level is 'all' (kept for readers of the first exports). */
  muted: z.boolean(),
  notificationLevel: NotificationLevel,
});

/** A Web Push subscription, without its keys (they let anyone push to that browser). */
export const ExportedPushSubscription = z.object({
  endpoint: StoredText,
  sessionId: SessionId,
  createdAt: EpochMs,
});

/**
 * Everything Confab holds about a user, as account.export answers it. Never a token, a token
 * hash, a password hash or a push key. Webhooks are registered with an API key by other apps,
 * not by users, so no user owns one and none is listed.
 */
export const AccountExport = z.object({
  format: z.literal('confab.account-export.v1'),
  exportedAt: EpochMs,
  user: User,
  settings: Settings,
  /** The account's signed-in sessions (devices); `current` is the one that asked. */
  sessions: z.array(Session),
  rooms: z.array(ExportedMembership),
  /** Every message the user wrote that is still kept, oldest first; deleted ones are tombstones. */
  messages: z.array(Message),
  pushSubscriptions: z.array(ExportedPushSubscription),
});
export type AccountExport = z.infer<typeof AccountExport>;
