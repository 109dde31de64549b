import type { RoomEvent } from '@confab/contracts';
import type { Kysely } from 'kysely';
import { byCodeUnits } from '../../code-units.js';
import type { Store } from '../../ports/store.js';
import { appendEvent } from './log.js';
import { formerMembersNamed } from './notices.js';
import { toUser } from './rows.js';
import type { Database } from './schema.js';

type RoomAdminPart = Pick<Store, 'changeRoles' | 'roomPeople'>;

export function roomAdminStore(db: Kysely<Database>): RoomAdminPart {
  return {
    async changeRoles(roomId, change) {
      return db
        .transaction()
        .execute(async (tx) => {
          const events: RoomEvent[] = [];
          for (const { userId, role } of change.roles) {
            const updated = await tx
              .updateTable('members')
              .set({ role })
              .where('room_id', '=', roomId)
              .where('user_id', '=', userId)
              .executeTakeFirst();
            if (Number(updated.numUpdatedRows) === 0) {
              // Roll back the roles set before it: a hand-over is all or nothing.
              throw new NotMember();
            }
            events.push(
              await appendEvent(tx, roomId, change.at, (seq) => ({
                type: 'member.role' as const,
                roomId,
                seq,
                actorId: change.actorId,
                at: change.at,
                userId,
                role,
              })),
            );
          }
          return events;
        })
        .catch((error: unknown) => {
          if (error instanceof NotMember) return 'not-member' as const;
          throw error;
        });
    },

    async roomPeople(roomId, userIds) {
      if (userIds.length === 0) return [];
      const columns = ['id', 'username', 'display_name', 'created_at', 'avatar_version'] as const;
      const rows = await db
        .selectFrom('users')
        .select(columns)
        .where('id', 'in', [...userIds])
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('members')
              .select('user_id')
              .where('room_id', '=', roomId)
              .whereRef('user_id', '=', 'users.id'),
          ),
        )
        .orderBy('id')
        .execute();
      // Not members: those the log names as former members keep their name (a notice line's
      // "Cat left", and the messages they wrote). Everyone who wrote in a room and is not in it
      // any more left, was removed or deleted their account, and each of those is logged; no
      // index finds a room's messages by author (the idempotency key starts with the
      // clientMsgId, migration 0015), so their messages are not searched for them. Only asked
      // for when some are left over.
      const found = new Set(rows.map((r) => r.id));
      const rest = [...new Set(userIds)].filter((id) => !found.has(id));
      const former = await formerMembersNamed(db, roomId, rest);
      if (former.length === 0) return rows.map(toUser);
      const more = await db.selectFrom('users').select(columns).where('id', 'in', former).execute();
      return [...rows, ...more].sort((a, b) => byCodeUnits(a.id, b.id)).map(toUser);
    },
  };
}

class NotMember extends Error {}
