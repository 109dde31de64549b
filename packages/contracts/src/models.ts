import { z } from 'zod';
import { EpochMs, MessageId, RoomId, Seq, SessionId, UserId } from './ids.js';
import { StoredText } from './text.js';

export const User = z.object({
  id: UserId,
  username: StoredText,
  displayName: StoredText,
  createdAt: EpochMs,
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
});
export type Member = z.infer<typeof Member>;

export const Message = z.object({
  id: MessageId,
  roomId: RoomId,
  seq: Seq,
  authorId: UserId,
  clientMsgId: StoredText,
  /** Empty once deleted: a deleted message stays in history as a tombstone. */
  body: StoredText,
  createdAt: EpochMs,
  editedAt: EpochMs.nullable(),
  deletedAt: EpochMs.nullable(),
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
