import type { Role, Room, RoomEvent } from '@confab/contracts';
import type { StoredMessage } from './store.js';

/** One step of retention in one room: what it deleted and where the room's log now begins. */
export interface TruncateResult {
  /** Log entries deleted by this step. */
  events: number;
  /** Messages deleted by this step. */
  messages: number;
  /** The first seq still in the room's log. */
  startSeq: number;
  /** False when the cut is further than this step's bound: call again. */
  done: boolean;
}

/** A room that retention looks at: its own setting (null: the server's default). */
export interface RetentionRoom {
  id: string;
  retentionDays: number | null;
}

/**
 * Message retention. A room's log is cut from the front only: the seqs left are still
 * start, start + 1, ..., lastSeq, so a device behind the start is told where history begins.
 */
export interface RetentionStore {
  /** False when there is no such room. */
  setRoomRetention(roomId: string, retentionDays: number | null): Promise<boolean>;
  roomRetention(
    roomId: string,
  ): Promise<{ retentionDays: number | null; startSeq: number } | undefined>;
  /** The first seq still in the room's log (1 when nothing was deleted, or no such room). */
  historyStart(roomId: string): Promise<number>;
  /**
   * Rooms retention applies to, by id after `afterId`: with `all`, every room (a server default
   * is set); without, only those with a setting of their own.
   */
  retentionRooms(page: {
    afterId: string | undefined;
    limit: number;
    all: boolean;
  }): Promise<RetentionRoom[]>;
  /**
   * Deletes the front of the room's log up to its last message created before `olderThan`
   * that comes before the first one that was not (every entry and message with a seq up to
   * it: a younger message is never deleted), at most `maxRows` seqs per call, in one
   * transaction that holds the room's row lock: concurrent calls (several nodes) queue, and
   * each entry is deleted by exactly one of them.
   */
  truncateRoomLog(
    roomId: string,
    cut: { olderThan: number; maxRows: number },
  ): Promise<TruncateResult>;
}

/** A room the user is a member of, as their data export lists it. */
export interface MembershipExport {
  room: Room;
  role: Role;
  joinedAt: number;
  lastReadSeq: number;
}

/** What deleting an account did: what to tell live devices and other members. */
export interface DeletedAccount {
  /** The sessions it revoked (they were live): their streams must end. */
  sessionIds: string[];
  /** The member.left entries it appended, one per room the user was in. */
  events: RoomEvent[];
}

/** Reading all of one user's data (export) and deleting their account. */
export interface AccountDataStore {
  membershipsOf(userId: string): Promise<MembershipExport[]>;
  /**
   * The user's messages in the order of their clientMsgIds, after the clientMsgId `after`
   * (keyset pagination), at most `limit`. That order is the idempotency index's, which every
   * send writes anyway: an index by time as well would be one more page per author in every
   * group commit, for the export alone (which sorts what it read).
   */
  messagesBy(
    userId: string,
    page: { after: string | undefined; limit: number },
  ): Promise<StoredMessage[]>;
  /** Every push subscription the user holds, whichever session made it. */
  pushSubscriptionsOwnedBy(
    userId: string,
  ): Promise<{ endpoint: string; sessionId: string; createdAt: number }[]>;
  /**
   * Deletes the account in one transaction: every session revoked, push subscriptions, mutes
   * and pending pushes removed, each membership removed with a member.left entry (an owner's
   * room goes to its longest-standing admin, else member), and the user row anonymised (display
   * name "Deleted user", a username nobody can register or sign in with, no password). Messages
   * stay, as the anonymised user's. 'not-found' when there is no such (undeleted) user.
   */
  deleteAccount(userId: string, at: number): Promise<DeletedAccount | 'not-found'>;
}
