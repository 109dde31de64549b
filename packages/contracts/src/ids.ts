import * as z from 'zod';

export { FileId, MessageId, RoomId, SessionId, UserId } from './opaque-ids.js';

/** A position in one room's log: 1 for the first event, then +1 per event, no gaps. */
export const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export type Seq = z.infer<typeof Seq>;

/** Milliseconds since the Unix epoch. */
export const EpochMs = z.number().int().min(0);
export type EpochMs = z.infer<typeof EpochMs>;
