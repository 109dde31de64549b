import * as z from 'zod';
import { PinInfo, Reaction, ThreadSummary } from './conversation.js';
import { FileInfo } from './files.js';
import { EpochMs, MessageId, RoomId, Seq, SessionId, UserId } from './ids.js';
import { StoredText } from './text.js';

export const User = z.object({
  id: UserId,
  username: StoredText,
  displayName: StoredText,
  createdAt: EpochMs,
  /**
   * Set when the user has an avatar: its picture is at `/media/avatars/<id>?v=<avatarVersion>`
   * (a new upload gets a new version, so a cached picture is never stale).
   */
  avatarVersion: z.number().int().positive().optional(),
});
export type User = z.infer<typeof User>;

/** One signed-in device. The token itself is only ever returned once, at login. */
export const Session = z.object({
  id: SessionId,
  deviceLabel: StoredText,
  createdAt: EpochMs,
  lastSeenAt: EpochMs,
  /** True for the session the request was made with. */
  current: z.boolean(),
});
export type Session = z.infer<typeof Session>;

export const RoomKind = z.enum(['public', 'private', 'direct']);
export type RoomKind = z.infer<typeof RoomKind>;

export const Role = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof Role>;

export const Room = z.object({
  id: RoomId,
  kind: RoomKind,
  name: StoredText,
  topic: StoredText,
  createdAt: EpochMs,
  /** Seq of the newest event in the room's log (0 when empty). */
  lastSeq: Seq,
  lastActivityAt: EpochMs,
});
export type Room = z.infer<typeof Room>;

export const Member = z.object({
  userId: UserId,
  username: StoredText,
  displayName: StoredText,
  role: Role,
  joinedAt: EpochMs,
  /** As User's: set when the member has an avatar. */
  avatarVersion: z.number().int().positive().optional(),
});
export type Member = z.infer<typeof Member>;

export const Message = z.object({
  id: MessageId,
  roomId: RoomId,
  seq: Seq,
  authorId: UserId,
  /**
   * The key its author's device sent it with (idempotent per author). Reads carry it; a live
   * stream in format 3 carries it only to the author's own devices, the only ones it means
   * anything to (docs/delivery.md, "Stream formats").
   */
  clientMsgId: z.optional(StoredText),
  /** Empty once deleted: a deleted message stays in history as a tombstone. */
  body: StoredText,
  createdAt: EpochMs,
  editedAt: EpochMs.nullable(),
  deletedAt: EpochMs.nullable(),
  // The fields below are present only when they say something, so a plain message stays small.
  /** The message this one replies to (quoted above it), in the same room. */
  replyToId: z.optional(MessageId),
  /** The thread this message is a reply in (its root's id); absent for the room's timeline. */
  threadId: z.optional(MessageId),
  /** A thread reply that is also shown in the room's timeline ("also send to room"). */
  alsoInRoom: z.literal(true).optional(),
  /** Members named with `@username` when it was sent (a mention notifies them). */
  mentions: z.array(UserId).optional(),
  /** `@room` was used: every member is mentioned (owners and admins only). */
  mentionsRoom: z.literal(true).optional(),
  /** Files sent with it, in the order they were attached; gone once the message is deleted. */
  attachments: z.array(FileInfo).optional(),
  // Read models: filled in by history, thread, context and byIds reads, never by message.created
  // (the reaction, pin and thread events that change them come through the log after it).
  /** Reactions, by emoji in the order each was first used. */
  reactions: z.array(Reaction).optional(),
  /** On a thread's root: its replies. */
  thread: ThreadSummary.optional(),
  /** Set while the message is pinned in its room. */
  pinned: PinInfo.optional(),
});
export type Message = z.infer<typeof Message>;

/** A room as it appears in "my rooms": what the sidebar of a chat app shows. */
export const RoomSummary = z.object({
  room: Room,
  role: Role,
  lastReadSeq: Seq,
  unreadCount: z.number().int().min(0),
  lastMessage: Message.nullable(),
  /** For a direct room: the other person. */
  peer: User.nullable(),
});
export type RoomSummary = z.infer<typeof RoomSummary>;

export const Settings = z.object({ shareReadReceipts: z.boolean() });
export type Settings = z.infer<typeof Settings>;

/** How far one member has read a room. */
export const MemberReceipt = z.object({ userId: UserId, lastReadSeq: Seq });
export type MemberReceipt = z.infer<typeof MemberReceipt>;
