import type { Message, RoomEvent } from '@confab/contracts';

/**
 * What a reaction or pin change did: appended its event, found nothing to do (already so), or
 * why it was refused. A refused or unchanged call appends nothing.
 */
export type ReactionChange =
  | { status: 'changed'; event: RoomEvent }
  | { status: 'unchanged' }
  | { status: 'not-found' | 'deleted' | 'too-many-emoji' | 'too-many-mine' };

export type PinChange =
  | { status: 'changed'; event: RoomEvent }
  | { status: 'unchanged' }
  | { status: 'not-found' | 'deleted' | 'too-many-pins' };

/**
 * Reactions and pins. Each change appends its event (`reaction.added`/`reaction.removed`,
 * `message.pinned`/`message.unpinned`) in the transaction that makes it, with the message's id,
 * so the log and the rows never disagree. Membership is the caller's to check.
 */
export interface ReactionsStore {
  /**
   * Adds (`on`) or takes back the user's `emoji` reaction to a message of the room. Refused on a
   * deleted message, and past LIMITS.reactionsPerMessageMax different emoji on the message or
   * LIMITS.reactionsPerUserPerMessageMax reactions of this user to it.
   */
  react(change: {
    roomId: string;
    messageId: string;
    userId: string;
    emoji: string;
    on: boolean;
    at: number;
  }): Promise<ReactionChange>;
  /** Pins or unpins a message of the room; refused on a deleted message and past LIMITS.pinsPerRoomMax. */
  pin(change: {
    roomId: string;
    messageId: string;
    userId: string;
    pinned: boolean;
    at: number;
  }): Promise<PinChange>;
  /** The room's pinned messages, most recently pinned first, with their reactions. */
  pins(roomId: string): Promise<Message[]>;
}
