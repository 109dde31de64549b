import * as z from 'zod';
import { RoomEvent, RoomNotice } from './events.js';
import { EpochMs, MessageId, RoomId, Seq } from './ids.js';
import { LIMITS } from './limits.js';
import { Message, Room, RoomKind, Session, User } from './models.js';
import { StoredText } from './text.js';

export const AuthResult = z.object({
  /** The opaque session token: shown once, stored by the server only as a hash. */
  token: z.string(),
  user: User,
  session: Session,
});
export type AuthResult = z.infer<typeof AuthResult>;

/** A public room as Browse lists it: enough to tell two rooms of the same name apart. */
export const PublicRoom = Room.extend({ memberCount: z.number().int().min(0) });
export type PublicRoom = z.infer<typeof PublicRoom>;

export const SendResult = z.object({ id: MessageId, seq: Seq, createdAt: EpochMs });
export type SendResult = z.infer<typeof SendResult>;

/** A page's notices, bounded (see HistoryPage.notices). */
const PageNotices = z.array(RoomNotice).max(LIMITS.historyNoticesMax).optional();

export const HistoryPage = z.object({
  /** Oldest first. */
  messages: z.array(Message),
  /** True when older messages exist before the first one. */
  hasMore: z.boolean(),
  /**
   * The first seq still in the room's log: messages before it were deleted by retention. 1 when
   * nothing was; with `hasMore` false and `startSeq` above 1, older messages existed and are gone.
   */
  startSeq: Seq,
  /**
   * The room's notices (joins, leaves, removals, room and role changes) in the page's span,
   * oldest first, to show between its messages. A page back (`beforeSeq`, or the newest page)
   * spans from its first message, or from the start of the log when no older messages exist, up
   * to `beforeSeq` (the log's end on the newest page); a page forward (`afterSeq`) spans from
   * `afterSeq` up to its last message, or to the log's end when no newer messages exist. So the
   * pages a client pages through meet without overlap and each notice comes once. At most
   * `LIMITS.historyNoticesMax`: past that, the newest of the span are kept and the earlier ones
   * are left out. Optional so that pages built before notices existed still parse; the server
   * always sends it.
   */
  notices: PageNotices,
});
export type HistoryPage = z.infer<typeof HistoryPage>;

/** A thread: its root, then one page of its replies, oldest first. */
export const ThreadPage = z.object({
  root: Message,
  replies: z.array(Message),
  /** True when older replies exist before the first one. */
  hasMore: z.boolean(),
});
export type ThreadPage = z.infer<typeof ThreadPage>;

/** History around one message (a message link), oldest first, the message included. */
export const ContextPage = z.object({
  messages: z.array(Message),
  /** True when older messages exist before the first one. */
  hasMoreBefore: z.boolean(),
  /** True when newer messages exist after the last one. */
  hasMoreAfter: z.boolean(),
  startSeq: Seq,
  /**
   * As a history page's (see HistoryPage.notices): from its first message (the log's start when
   * no older exist) to its last (the log's end when no newer exist).
   */
  notices: PageNotices,
});
export type ContextPage = z.infer<typeof ContextPage>;

/** One place the caller was mentioned. */
export const Mention = z.object({
  room: z.object({ id: RoomId, name: StoredText, kind: RoomKind }),
  message: Message,
});
export const MentionsPage = z.object({ mentions: z.array(Mention), hasMore: z.boolean() });
export type MentionsPage = z.infer<typeof MentionsPage>;

export const EventsPage = z.object({
  events: z.array(RoomEvent),
  hasMore: z.boolean(),
});
export type EventsPage = z.infer<typeof EventsPage>;
