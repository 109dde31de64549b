import { z } from 'zod';

/** Server-assigned ids are opaque, URL-safe strings. */
const opaqueId = (what: string) =>
  z
    .string()
    .min(1, `${what} is required`)
    .max(64, `${what} is too long`)
    .regex(/^[A-Za-z0-9_-]+$/, `${what} has characters an id never has`);

export const UserId = opaqueId('User id');
export type UserId = z.infer<typeof UserId>;
export const RoomId = opaqueId('Room id');
export type RoomId = z.infer<typeof RoomId>;
export const MessageId = opaqueId('Message id');
export type MessageId = z.infer<typeof MessageId>;
export const SessionId = opaqueId('Session id');
export type SessionId = z.infer<typeof SessionId>;

/** A position in one room's log: 1 for the first event, then +1 per event, no gaps. */
export const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export type Seq = z.infer<typeof Seq>;

/** Milliseconds since the Unix epoch. */
export const EpochMs = z.number().int().min(0);
export type EpochMs = z.infer<typeof EpochMs>;
