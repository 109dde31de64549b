import { z } from 'zod';
import { RoomEvent } from './events.js';
import { EpochMs, MessageId, Seq } from './ids.js';
import { Message, Session, User } from './models.js';

export const AuthResult = z.object({
  /** The opaque session token: shown once, stored by the server only as a hash. */
  token: z.string(),
  user: User,
  session: Session,
});
export type AuthResult = z.infer<typeof AuthResult>;

export const SendResult = z.object({ id: MessageId, seq: Seq, createdAt: EpochMs });
export type SendResult = z.infer<typeof SendResult>;

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
});
export type HistoryPage = z.infer<typeof HistoryPage>;

export const EventsPage = z.object({
  events: z.array(RoomEvent),
  hasMore: z.boolean(),
});
export type EventsPage = z.infer<typeof EventsPage>;
