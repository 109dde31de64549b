import type { MentionsPage, Role } from '@confab/contracts';

/** A member named in a message, as the send resolves `@username`. */
export interface MentionedMember {
  userId: string;
  username: string;
  role: Role;
}

/**
 * Mentions: who a message names, and where a user was named. The rows themselves are written by
 * the append that stores the message (one row per mentioned member; `@room`: every member but
 * the author), and removed with it when it is deleted.
 */
export interface MentionsStore {
  /** The room's current members with these (lower-case) usernames: one query. */
  membersByUsernames(roomId: string, usernames: readonly string[]): Promise<MentionedMember[]>;
  /**
   * Where the user was mentioned, newest first: rooms they are still a member of, messages not
   * deleted, older than `beforeId` when given (`hasMore`: older ones exist).
   */
  mentionsOf(
    userId: string,
    page: { beforeId?: string | undefined; limit: number },
  ): Promise<MentionsPage>;
}

// A contracts type: notifications.roomLevels returns it, and the router's public type may
// only name contracts types (scripts/emit-app-router-types.mjs).
export type { RoomLevel } from '@confab/contracts';
