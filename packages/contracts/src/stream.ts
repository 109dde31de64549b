import * as z from 'zod';
import { RoomEvent } from './events.js';
import { EpochMs, RoomId, Seq, UserId } from './ids.js';
import { LIMITS } from './limits.js';
import { User } from './models.js';
import { StoredText, singleLineText } from './text.js';

/** The user's own read marker moved (on this device or another): unread counts follow. */
export const ReadUpdated = z.object({
  type: z.literal('read.updated'),
  roomId: RoomId,
  lastReadSeq: Seq,
});

/** An event an app pushed to this user's devices through the server push API. */
export const PushEvent = z.object({
  type: z.literal('push'),
  at: EpochMs,
  data: z.json(),
});

/** An announcement an app broadcast to everyone connected. */
export const Announcement = z.object({
  type: z.literal('announcement'),
  at: EpochMs,
  body: StoredText,
});

export const PresenceStatus = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof PresenceStatus>;

/** A user's presence over all their devices: online if one is active, away if all are idle. */
export const PresenceState = z.object({
  userId: UserId,
  status: PresenceStatus,
  /** When their last device went away (null while online or away, or when never seen). */
  lastSeenAt: EpochMs.nullable(),
});
export type PresenceState = z.infer<typeof PresenceState>;

/** A member of one of the user's rooms changed presence. */
export const PresenceChanged = PresenceState.extend({ type: z.literal('presence') });

/**
 * Sent after the sync point: who, among the people sharing a room with the user, is online or
 * away (up to LIMITS.presenceSnapshotMax); everyone else is offline (presence.of has last-seen).
 */
export const PresenceSnapshot = z.object({
  type: z.literal('presence.snapshot'),
  users: z.array(PresenceState),
});

/** Someone else is typing in one of the user's rooms; shown until `expiresAt` unless renewed. */
export const Typing = z.object({
  type: z.literal('typing'),
  roomId: RoomId,
  userId: UserId,
  expiresAt: EpochMs,
});

/** A member (who shares read receipts) has read a room up to `lastReadSeq`. */
export const Receipt = z.object({
  type: z.literal('receipt'),
  roomId: RoomId,
  userId: UserId,
  lastReadSeq: Seq,
});

/**
 * Someone who shares a room with the user (or the user, on another device) changed their
 * profile: their avatar, for now. Best-effort, like presence: a device that was offline reads
 * the new profile with the members list.
 */
export const ProfileChanged = z.object({
  type: z.literal('profile'),
  user: User,
});

/**
 * Signals for one user's live devices (presence and typing are best-effort). Unlike room events they are not stored: a device that
 * is offline when one is sent does not get it later (the state it reports, such as the read
 * marker, is in `room.mine`).
 */
export const UserEvent = z.discriminatedUnion('type', [
  ReadUpdated,
  PushEvent,
  Announcement,
  PresenceChanged,
  PresenceSnapshot,
  Typing,
  Receipt,
  ProfileChanged,
]);
export type UserEvent = z.infer<typeof UserEvent>;

/**
 * Sent once a (re)connected stream has delivered everything it owed: the position it has
 * reached in every room of the user. A device adopts these as its cursors, so that on its next
 * resume it can tell rooms it knows from rooms joined while it was away.
 */
export const StreamSynced = z.object({
  type: z.literal('sync'),
  cursors: z.record(RoomId, Seq),
});
export type StreamSynced = z.infer<typeof StreamSynced>;

/**
 * The room's log before `beforeSeq` was deleted (message retention) and this device had not
 * received all of it: it comes before the first event the device gets from `beforeSeq` on, so
 * the device knows history before that point is gone instead of seeing a silent gap. Cursors
 * move to `beforeSeq - 1`. Not part of the log (it has no seq of its own).
 */
export const HistoryTruncated = z.object({
  type: z.literal('history.truncated'),
  roomId: RoomId,
  /** The first seq still kept: every event before it is gone. */
  beforeSeq: Seq,
});
export type HistoryTruncated = z.infer<typeof HistoryTruncated>;

/**
 * What a device's stream carries: its rooms' log entries, its user's signals, sync points, and
 * where a room's history was cut by retention.
 */
export const StreamEvent = z.union([RoomEvent, UserEvent, StreamSynced, HistoryTruncated]);
export type StreamEvent = z.infer<typeof StreamEvent>;

/**
 * Where a device resumes: the last seq it has of each room. Rooms it does not list start live
 * (a new device reads history with message.history). Bounded so any transport carries it.
 */
export const Cursors = z
  .record(RoomId, Seq)
  .refine(
    (c) => Object.keys(c).length <= LIMITS.cursorsMax,
    `At most ${LIMITS.cursorsMax} room cursors`,
  );
export type Cursors = z.infer<typeof Cursors>;

const resumeFields = {
  cursors: Cursors.default({}),
  /**
   * False for a device's first stream: rooms start live (history comes from message.history).
   * True when resuming: a room missing from `cursors` was joined while away, and its log is
   * replayed from the join.
   */
  resume: z.boolean().default(false),
};

export const StreamInput = z.object(resumeFields).default({ cursors: {}, resume: false });
export type StreamInput = z.input<typeof StreamInput>;

/**
 * `events.live`'s input: StreamInput, and the stream format wanted. Without `format` the stream
 * is format 2 (LiveEvent); `format: 3` asks for FlatEvent. A server that predates format 3
 * ignores the field and sends format 2, which `expandEvent` reads as well. With format 3,
 * `snapshot: 'ids'` asks for the presence snapshot as two lists of ids (IdsPresenceSnapshot); a
 * server that predates it ignores the field and sends the snapshot whole.
 */
export const LiveInput = z
  .object({
    ...resumeFields,
    format: z.literal(3).optional(),
    snapshot: z.literal('ids').optional(),
  })
  .default({ cursors: {}, resume: false });
export type LiveInput = z.input<typeof LiveInput>;

export const PollInput = z.object({
  ...resumeFields,
  /** The session the previous poll answered with: its events buffered since then come first. */
  pollId: z.string().check(singleLineText('pollId')).max(64).optional(),
  /** How long to wait for the first event when none is waiting. */
  waitMs: z.number().int().min(0).max(LIMITS.pollWaitMaxMs).default(LIMITS.pollWaitMaxMs),
});
export type PollInput = z.input<typeof PollInput>;

export const PollResult = z.object({ pollId: z.string(), events: z.array(StreamEvent) });
export type PollResult = z.infer<typeof PollResult>;
