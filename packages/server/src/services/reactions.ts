import { ERROR_CODES, LIMITS, type Message } from '@confab/contracts';
import { AppError } from '../errors.js';
import type { PinChange, ReactionChange } from '../ports/reactions-store.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import type { Rooms } from './rooms.js';

const REFUSALS = {
  'not-found': () => new AppError(ERROR_CODES.MESSAGE_NOT_FOUND, 'Message not found'),
  deleted: () => new AppError(ERROR_CODES.CONFLICT, 'The message was deleted'),
  'too-many-emoji': () =>
    new AppError(
      ERROR_CODES.CONFLICT,
      `A message can have at most ${LIMITS.reactionsPerMessageMax} different reactions`,
    ),
  'too-many-mine': () =>
    new AppError(
      ERROR_CODES.CONFLICT,
      `You can react to a message with at most ${LIMITS.reactionsPerUserPerMessageMax} emoji`,
    ),
  'too-many-pins': () =>
    new AppError(
      ERROR_CODES.CONFLICT,
      `A room can have at most ${LIMITS.pinsPerRoomMax} pinned messages; unpin one first`,
    ),
} as const;

/**
 * Reactions and pins: any member may react to, pin or unpin any live message of the room
 * (thread replies included). Each change is an event in the room's log, so devices, resume and
 * every transport carry it like a message.
 */
export function createReactions(deps: {
  store: Store;
  rooms: Rooms;
  /** The send bucket (messages.takeWriteToken): refuses with RATE_LIMITED. */
  takeWriteToken: (auth: Authenticated) => Promise<void>;
  now: () => number;
}) {
  const { store, rooms, takeWriteToken, now } = deps;

  /** The change's seq once published; null when it was already so (nothing was appended). */
  async function settle(result: ReactionChange | PinChange): Promise<{ seq: number | null }> {
    if (result.status === 'unchanged') return { seq: null };
    if (result.status !== 'changed') throw REFUSALS[result.status]();
    await rooms.publish([result.event]);
    return { seq: result.event.seq };
  }

  return {
    async react(
      auth: Authenticated,
      input: { roomId: string; messageId: string; emoji: string; on: boolean },
    ) {
      await rooms.requireMember(auth, input.roomId);
      // Taken before the store is asked and kept on a refusal or a no-op (as an edit's is):
      // each of those still costs a transaction holding the room's lock.
      await takeWriteToken(auth);
      return settle(await store.react({ ...input, userId: auth.user.id, at: now() }));
    },

    async pin(auth: Authenticated, input: { roomId: string; messageId: string; pinned: boolean }) {
      await rooms.requireMember(auth, input.roomId);
      await takeWriteToken(auth);
      return settle(await store.pin({ ...input, userId: auth.user.id, at: now() }));
    },

    /** The room's pinned messages, most recently pinned first. */
    async pins(auth: Authenticated, input: { roomId: string }): Promise<Message[]> {
      await rooms.requireMember(auth, input.roomId);
      return store.pins(input.roomId);
    },
  };
}
export type Reactions = ReturnType<typeof createReactions>;
