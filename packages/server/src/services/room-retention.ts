import { ERROR_CODES, type RoomRetention } from '@confab/contracts';
import { AppError, roomNotFound } from '../errors.js';
import type { Services } from '../trpc.js';
import type { Authenticated } from './accounts.js';

type Deps = Pick<Services, 'store' | 'rooms'>;

/** A room's own retention setting: members read it, its owner and admins change it. */
export function roomRetention(deps: Deps) {
  const { store, rooms } = deps;

  async function read(roomId: string): Promise<RoomRetention> {
    const retention = await store.roomRetention(roomId);
    if (!retention) throw roomNotFound();
    return { roomId, ...retention };
  }

  return {
    async get(auth: Authenticated, roomId: string): Promise<RoomRetention> {
      await rooms.requireMember(auth, roomId);
      return read(roomId);
    },

    async set(
      auth: Authenticated,
      input: { roomId: string; retentionDays: number | null },
    ): Promise<RoomRetention> {
      const { membership } = await rooms.requireMember(auth, input.roomId);
      // A direct conversation has no owner or admin: neither side decides alone.
      if (membership.role !== 'owner' && membership.role !== 'admin')
        throw new AppError(
          ERROR_CODES.FORBIDDEN,
          "Only the room's owner or an admin can set its retention",
        );
      if (!(await store.setRoomRetention(input.roomId, input.retentionDays))) throw roomNotFound();
      return read(input.roomId);
    },
  };
}
