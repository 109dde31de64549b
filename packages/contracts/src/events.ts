import * as z from 'zod';
import { Emoji } from './conversation.js';
import { EpochMs, MessageId, RoomId, Seq, UserId } from './ids.js';
import { Message, Role } from './models.js';
import { StoredText } from './text.js';

export * from './room-notices.js';

/** Fields every entry of a room's log has. */
const base = {
  roomId: RoomId,
  /** Position in the room's log, assigned in the transaction that stored the event. */
  seq: Seq,
  /** Who caused it. */
  actorId: UserId,
  at: EpochMs,
};

export const MessageCreated = z.object({
  ...base,
  type: z.literal('message.created'),
  message: Message,
});
export const MessageEdited = z.object({
  ...base,
  type: z.literal('message.edited'),
  messageId: MessageId,
  body: StoredText,
});
export const MessageDeleted = z.object({
  ...base,
  type: z.literal('message.deleted'),
  messageId: MessageId,
});
export const MemberJoined = z.object({
  ...base,
  type: z.literal('member.joined'),
  userId: UserId,
  role: Role,
  /** How they came in: created the room, joined a public room, or were invited / DM'd. */
  via: z.enum(['create', 'join', 'invite', 'direct']),
});
export const MemberLeft = z.object({
  ...base,
  type: z.literal('member.left'),
  userId: UserId,
});
export const MemberRemoved = z.object({
  ...base,
  type: z.literal('member.removed'),
  userId: UserId,
});
/** The room's name, topic and (since rooms can change it) kind after the change. */
export const RoomUpdated = z.object({
  ...base,
  type: z.literal('room.updated'),
  name: StoredText,
  topic: StoredText,
  /** Absent in entries logged before a room could be made public or private. */
  kind: z.enum(['public', 'private']).optional(),
  /**
   * What this update changed (what a conversation says: "renamed the room to …"); empty when
   * it set what was already there. Absent in entries logged before it was recorded.
   */
  changed: z.array(z.enum(['name', 'topic', 'kind'])).optional(),
});
/** A member's role changed: promoted, demoted, or the room handed to them (then `owner`). */
export const MemberRoleChanged = z.object({
  ...base,
  type: z.literal('member.role'),
  userId: UserId,
  role: Role,
});

/**
 * The log entries a conversation shows as a line of its own between messages ("Ann joined",
 * "Bob renamed the room to …"): who came and went, the room's settings, roles. History pages
 * carry them (`notices`); the stream carries them live like every event.
 */
export const RoomNotice = z.discriminatedUnion('type', [
  MemberJoined,
  MemberLeft,
  MemberRemoved,
  RoomUpdated,
  MemberRoleChanged,
]);
export type RoomNotice = z.infer<typeof RoomNotice>;
/** `actorId` reacted to the message with `emoji`. */
export const ReactionAdded = z.object({
  ...base,
  type: z.literal('reaction.added'),
  messageId: MessageId,
  emoji: Emoji,
});
/** `actorId` took back their `emoji` reaction to the message. */
export const ReactionRemoved = z.object({
  ...base,
  type: z.literal('reaction.removed'),
  messageId: MessageId,
  emoji: Emoji,
});
/** `actorId` pinned the message in the room. */
export const MessagePinned = z.object({
  ...base,
  type: z.literal('message.pinned'),
  messageId: MessageId,
});
export const MessageUnpinned = z.object({
  ...base,
  type: z.literal('message.unpinned'),
  messageId: MessageId,
});

/** One entry of a room's log. Clients that apply these in seq order converge. */
export const RoomEvent = z.discriminatedUnion('type', [
  MessageCreated,
  MessageEdited,
  MessageDeleted,
  MemberJoined,
  MemberLeft,
  MemberRemoved,
  RoomUpdated,
  MemberRoleChanged,
  ReactionAdded,
  ReactionRemoved,
  MessagePinned,
  MessageUnpinned,
]);
export type RoomEvent = z.infer<typeof RoomEvent>;
export type RoomEventType = RoomEvent['type'];
