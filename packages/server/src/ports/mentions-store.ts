import type { MentionsPage, NotificationLevel, Role } from '@confab/contracts';

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

/** A room's notification level for one member, when it is not 'all'. */
export interface RoomLevel {
  roomId: string;
  level: Exclude<NotificationLevel, 'all'>;
}
