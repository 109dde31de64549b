// zod/mini, not zod: the SDK checks a send's room id before queueing it, and zod/mini's functions
// tree-shake where zod's classic chained schemas pull in all of zod. Both kinds compose: zod's
// z.object() takes these as fields.
import { maxLength, minLength, type output, regex, string } from 'zod/mini';

/** Server-assigned ids are opaque, URL-safe strings. */
const opaqueId = (what: string) =>
  string().check(
    minLength(1, `${what} is required`),
    maxLength(64, `${what} is too long`),
    regex(/^[A-Za-z0-9_-]+$/, `${what} has characters an id never has`),
  );

export const UserId = opaqueId('User id');
export type UserId = output<typeof UserId>;
export const RoomId = opaqueId('Room id');
export type RoomId = output<typeof RoomId>;
export const MessageId = opaqueId('Message id');
export type MessageId = output<typeof MessageId>;
export const SessionId = opaqueId('Session id');
export type SessionId = output<typeof SessionId>;
export const FileId = opaqueId('File id');
export type FileId = output<typeof FileId>;
