// Contracts of what people do around messages: replies and threads, reactions, pins, mentions,
// per-room notification levels and message links. Every change here travels through the room's
// log as a seq'd event (events.ts), so resume and multi-device sync cover it with no new mechanism.
import * as z from 'zod';
import { canonicalEmoji, isEmoji } from './conversation-rules.js';
import { EpochMs, MessageId, RoomId, Seq, UserId } from './ids.js';
import { LIMITS } from './limits.js';

export * from './conversation-rules.js';

export const Emoji = z
  .string()
  .refine(isEmoji, 'Reaction must be a single emoji')
  .transform(canonicalEmoji);
export type Emoji = z.infer<typeof Emoji>;

/** Who reacted with one emoji to a message, in the order they reacted. */
export const Reaction = z.object({ emoji: Emoji, userIds: z.array(UserId).min(1) });
export type Reaction = z.infer<typeof Reaction>;

/** What a thread's root shows in the timeline: how many replies, and the newest one. */
export const ThreadSummary = z.object({
  replyCount: z.number().int().min(1),
  lastReplyAt: EpochMs,
  lastReplyAuthorId: UserId,
});
export type ThreadSummary = z.infer<typeof ThreadSummary>;

/** Who pinned a message in its room, and when. */
export const PinInfo = z.object({ by: UserId, at: EpochMs });
export type PinInfo = z.infer<typeof PinInfo>;

/**
 * How a member is notified of a room's messages (Web Push, webhooks, the web app's desktop and
 * in-tab alerts): every message, only messages that mention them (`@username` or `@room`), or
 * none at all. Muting a room (notifications.setRoomMuted) sets 'mentions'.
 */
export const NotificationLevel = z.enum(['all', 'mentions', 'none']);
export type NotificationLevel = z.infer<typeof NotificationLevel>;

/** A room's notification level for the caller, when it is not 'all' (notifications.roomLevels). */
export const RoomLevel = z.object({
  roomId: RoomId,
  level: NotificationLevel.exclude(['all']),
});
export type RoomLevel = z.infer<typeof RoomLevel>;

export const ReactInput = z.object({
  roomId: RoomId,
  messageId: MessageId,
  emoji: Emoji,
  /** True adds the caller's reaction, false removes it; either is a no-op when already so. */
  on: z.boolean(),
});
export type ReactInput = z.input<typeof ReactInput>;

export const PinInput = z.object({ roomId: RoomId, messageId: MessageId, pinned: z.boolean() });
export type PinInput = z.input<typeof PinInput>;

const pageLimit = z
  .number()
  .int()
  .min(1)
  .max(LIMITS.threadPageMax)
  .default(LIMITS.historyPageDefault);

/** A thread: its root and its replies, oldest first, paged backwards like history. */
export const ThreadInput = z.object({
  roomId: RoomId,
  /** The root message's id. */
  threadId: MessageId,
  /** Replies with a seq below this one; the newest page when absent. */
  beforeSeq: Seq.optional(),
  limit: pageLimit,
});
export type ThreadInput = z.input<typeof ThreadInput>;

/** A message link: history around one message, `limit` before it and `limit` after it. */
export const ContextInput = z.object({ roomId: RoomId, messageId: MessageId, limit: pageLimit });
export type ContextInput = z.input<typeof ContextInput>;

/** Messages by id, for quoting a reply whose original is not loaded. Missing ids are left out. */
export const ByIdsInput = z.object({
  roomId: RoomId,
  messageIds: z.array(MessageId).min(1).max(LIMITS.byIdsMax),
});
export type ByIdsInput = z.input<typeof ByIdsInput>;

/** Where the caller was mentioned, across their rooms, newest first. */
export const MentionsInput = z
  .object({
    /** Mentions older than this message (the last one of the previous page). */
    beforeId: z.optional(MessageId),
    limit: pageLimit,
  })
  .default({ limit: LIMITS.historyPageDefault });
export type MentionsInput = z.input<typeof MentionsInput>;

export const SetNotificationLevelInput = z.object({ roomId: RoomId, level: NotificationLevel });
export type SetNotificationLevelInput = z.input<typeof SetNotificationLevelInput>;
