import { LIMITS } from '@confab/contracts';
import type { Kysely } from 'kysely';
import type { PinChange, ReactionsStore } from '../../ports/reactions-store.js';
import { appendEvent, lockRoom } from './log.js';
import { attachReactions } from './reactions.js';
import { toMessage } from './rows.js';
import type { Database } from './schema.js';

/** Thrown inside a pin's transaction to roll it back (its seq included) when over the limit. */
class TooManyPins extends Error {}

export function pinsStore(db: Kysely<Database>): Pick<ReactionsStore, 'pin' | 'pins'> {
  return {
    async pin(change) {
      try {
        return await db.transaction().execute(async (tx): Promise<PinChange> => {
          // The room's lock first, as every write that also locks a message row takes it (see
          // lockRoom): the room's pins, deletes and edits run one at a time, so the count below
          // is exact and a delete cannot slip in between the check and the pin.
          if (!(await lockRoom(tx, change.roomId))) return { status: 'not-found' };
          // Changes only a live message not already so.
          const updated = await tx
            .updateTable('messages')
            .set(
              change.pinned
                ? { pinned_by: change.userId, pinned_at: change.at }
                : { pinned_by: null, pinned_at: null },
            )
            .where('id', '=', change.messageId)
            .where('room_id', '=', change.roomId)
            .where('deleted_at', 'is', null)
            .where('pinned_at', change.pinned ? 'is' : 'is not', null)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) === 0) {
            const row = await tx
              .selectFrom('messages')
              .select('deleted_at')
              .where('id', '=', change.messageId)
              .where('room_id', '=', change.roomId)
              .executeTakeFirst();
            if (!row) return { status: 'not-found' };
            return { status: row.deleted_at !== null ? 'deleted' : 'unchanged' };
          }
          const event = await appendEvent(
            tx,
            change.roomId,
            change.at,
            (seq) => ({
              type: change.pinned ? ('message.pinned' as const) : ('message.unpinned' as const),
              roomId: change.roomId,
              seq,
              actorId: change.userId,
              at: change.at,
              messageId: change.messageId,
            }),
            change.messageId,
          );
          // Counted with this pin in: over the limit, the whole transaction (its seq included)
          // rolls back.
          if (change.pinned) {
            const { pinned } = await tx
              .selectFrom('messages')
              .select((eb) => eb.fn.countAll<number>().as('pinned'))
              .where('room_id', '=', change.roomId)
              .where('pinned_at', 'is not', null)
              .executeTakeFirstOrThrow();
            if (Number(pinned) > LIMITS.pinsPerRoomMax) throw new TooManyPins();
          }
          return { status: 'changed', event };
        });
      } catch (error) {
        if (error instanceof TooManyPins) return { status: 'too-many-pins' };
        throw error;
      }
    },
    async pins(roomId) {
      const rows = await db
        .selectFrom('messages')
        .selectAll()
        .where('room_id', '=', roomId)
        .where('pinned_at', 'is not', null)
        // Pins within one millisecond: the newer message first.
        .orderBy('pinned_at', 'desc')
        .orderBy('seq', 'desc')
        .limit(LIMITS.pinsPerRoomMax)
        .execute();
      return attachReactions(db, rows.map(toMessage));
    },
  };
}
