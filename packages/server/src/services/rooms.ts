import { ERROR_CODES, type Role, type Room, type RoomEvent } from '@confab/contracts';
import { AppError, roomNotFound } from '../errors.js';
import type { Bus } from '../ports/bus.js';
import type { MembershipRecord, Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import { newId } from './crypto.js';

/**
 * Rooms and membership. Visibility rule, the same for every procedure: a private or direct room
 * does not exist for a non-member (ROOM_NOT_FOUND); a public room is visible to everyone but only
 * members read or write it (FORBIDDEN).
 */
export function createRooms(deps: { store: Store; bus: Bus; now: () => number }) {
  const { store, bus, now } = deps;

  /** Publishes committed log entries, then tells affected users their room set changed. */
  async function publish(events: RoomEvent[]): Promise<void> {
    for (const event of events) {
      await bus.publish(`room:${event.roomId}`, { kind: 'room', event });
      if (
        event.type === 'member.joined' ||
        event.type === 'member.left' ||
        event.type === 'member.removed'
      ) {
        await bus.publish(`user:${event.userId}`, {
          kind: 'membership',
          userId: event.userId,
          roomId: event.roomId,
          seq: event.seq,
        });
      }
    }
  }

  /** The room and the caller's membership, or the refusal the visibility rule prescribes. */
  async function requireMember(
    auth: Authenticated,
    roomId: string,
  ): Promise<{ room: Room; membership: MembershipRecord }> {
    const found = await store.roomWithMembership(roomId, auth.user.id);
    if (!found) throw roomNotFound();
    const { room, membership } = found;
    if (!membership) {
      if (room.kind === 'public') throw new AppError(ERROR_CODES.FORBIDDEN, 'Join the room first');
      throw roomNotFound();
    }
    return { room, membership };
  }

  function requireManager(membership: MembershipRecord, what: string): void {
    if (membership.role !== 'owner' && membership.role !== 'admin') {
      throw new AppError(ERROR_CODES.FORBIDDEN, `Only the room's owner or an admin can ${what}`);
    }
  }

  return {
    publish,
    requireMember,

    async create(
      auth: Authenticated,
      input: { kind: 'public' | 'private'; name: string; topic: string },
    ) {
      const { room, events } = await store.createRoom(
        { id: newId(), kind: input.kind, name: input.name, topic: input.topic, createdAt: now() },
        [{ userId: auth.user.id, role: 'owner' }],
      );
      await publish(events);
      return room;
    },

    async byId(auth: Authenticated, roomId: string) {
      const room = await store.roomById(roomId);
      if (!room) throw roomNotFound();
      if (room.kind !== 'public' && !(await store.membership(roomId, auth.user.id)))
        throw roomNotFound();
      return room;
    },

    async update(
      auth: Authenticated,
      input: {
        roomId: string;
        name?: string | undefined;
        topic?: string | undefined;
        kind?: 'public' | 'private' | undefined;
      },
    ) {
      const { room, membership } = await requireMember(auth, input.roomId);
      if (room.kind === 'direct')
        throw new AppError(ERROR_CODES.FORBIDDEN, 'A direct conversation cannot be changed');
      requireManager(membership, 'rename it, set its topic or make it public or private');
      const event = await store.updateRoom(input.roomId, {
        name: input.name,
        topic: input.topic,
        kind: input.kind,
        actorId: auth.user.id,
        at: now(),
      });
      await publish([event]);
      return event;
    },

    async join(auth: Authenticated, roomId: string) {
      const room = await store.roomById(roomId);
      if (room?.kind !== 'public') {
        // A private room's existence is not revealed; a member asking again is told so.
        if (room && (await store.membership(roomId, auth.user.id))) {
          throw new AppError(ERROR_CODES.CONFLICT, 'Already a member');
        }
        throw roomNotFound();
      }
      const event = await store.addMember(roomId, {
        userId: auth.user.id,
        role: 'member',
        via: 'join',
        actorId: auth.user.id,
        at: now(),
      });
      if (event === 'already-member') throw new AppError(ERROR_CODES.CONFLICT, 'Already a member');
      await publish([event]);
      return event;
    },

    async invite(auth: Authenticated, input: { roomId: string; username: string }) {
      const { room } = await requireMember(auth, input.roomId);
      if (room.kind === 'direct')
        throw new AppError(ERROR_CODES.FORBIDDEN, 'Nobody can be added to a direct conversation');
      const invitee = await store.userByUsername(input.username);
      if (!invitee)
        throw new AppError(ERROR_CODES.USER_NOT_FOUND, `No user named ${input.username}`);
      const event = await store.addMember(input.roomId, {
        userId: invitee.id,
        role: 'member',
        via: 'invite',
        actorId: auth.user.id,
        at: now(),
      });
      if (event === 'already-member')
        throw new AppError(ERROR_CODES.CONFLICT, `${input.username} is already a member`);
      await publish([event]);
      return event;
    },

    async leave(auth: Authenticated, roomId: string) {
      const { room, membership } = await requireMember(auth, roomId);
      if (room.kind === 'direct')
        throw new AppError(ERROR_CODES.FORBIDDEN, 'A direct conversation cannot be left');
      if (membership.role === 'owner') {
        const others = (await store.members(roomId)).filter((m) => m.userId !== auth.user.id);
        if (others.length > 0) {
          throw new AppError(
            ERROR_CODES.CONFLICT,
            'The owner must hand the room to another member before leaving',
          );
        }
      }
      const event = await store.removeMember(roomId, {
        userId: auth.user.id,
        actorId: auth.user.id,
        at: now(),
        type: 'member.left',
      });
      if (event === 'not-member') throw roomNotFound();
      await publish([event]);
      return event;
    },

    async removeMember(auth: Authenticated, input: { roomId: string; userId: string }) {
      const { membership } = await requireMember(auth, input.roomId);
      requireManager(membership, 'remove members');
      if (input.userId === auth.user.id)
        throw new AppError(ERROR_CODES.CONFLICT, 'Use leave to leave a room');
      const target = await store.membership(input.roomId, input.userId);
      if (!target) throw new AppError(ERROR_CODES.USER_NOT_FOUND, 'That user is not a member');
      if (target.role === 'owner' || (target.role === 'admin' && membership.role !== 'owner')) {
        throw new AppError(
          ERROR_CODES.FORBIDDEN,
          'Only the owner can remove an admin, and nobody the owner',
        );
      }
      const event = await store.removeMember(input.roomId, {
        userId: input.userId,
        actorId: auth.user.id,
        at: now(),
        type: 'member.removed',
      });
      if (event === 'not-member')
        throw new AppError(ERROR_CODES.USER_NOT_FOUND, 'That user is not a member');
      await publish([event]);
      return event;
    },

    /** The owner makes a member an admin, or an admin a member; or hands over ownership. */
    async setRole(auth: Authenticated, input: { roomId: string; userId: string; role: Role }) {
      const { membership } = await requireMember(auth, input.roomId);
      if (membership.role !== 'owner')
        throw new AppError(ERROR_CODES.FORBIDDEN, 'Only the owner can change roles');
      if (input.userId === auth.user.id)
        throw new AppError(
          ERROR_CODES.CONFLICT,
          'The owner keeps their role until handing it over',
        );
      // Handing over ownership makes the previous owner an admin, in the same transaction.
      const roles = [{ userId: input.userId, role: input.role }];
      if (input.role === 'owner') roles.push({ userId: auth.user.id, role: 'admin' });
      const events = await store.changeRoles(input.roomId, {
        roles,
        actorId: auth.user.id,
        at: now(),
      });
      if (events === 'not-member')
        throw new AppError(ERROR_CODES.USER_NOT_FOUND, 'That user is not a member');
      await publish(events);
    },

    /** Members and former authors by id: names for every message, also after its author left. */
    async people(auth: Authenticated, input: { roomId: string; userIds: string[] }) {
      await requireMember(auth, input.roomId);
      return store.roomPeople(input.roomId, input.userIds);
    },

    async members(auth: Authenticated, roomId: string) {
      await requireMember(auth, roomId);
      return store.members(roomId);
    },

    listPublic: (query: string | undefined, limit: number) => store.publicRooms(query, limit),

    mine: (auth: Authenticated) => store.roomsOf(auth.user.id),

    /** The direct room between the caller and `username`, created the first time. */
    async openDirect(auth: Authenticated, username: string) {
      const peer = await store.userByUsername(username);
      if (!peer) throw new AppError(ERROR_CODES.USER_NOT_FOUND, `No user named ${username}`);
      if (peer.id === auth.user.id)
        throw new AppError(ERROR_CODES.CONFLICT, 'A direct conversation needs another person');
      const directKey = [auth.user.id, peer.id].sort().join(':');
      const existing = await store.roomByDirectKey(directKey);
      if (existing) return existing;
      try {
        const { room, events } = await store.createRoom(
          { id: newId(), kind: 'direct', name: '', topic: '', createdAt: now(), directKey },
          [
            { userId: auth.user.id, role: 'member' },
            { userId: peer.id, role: 'member' },
          ],
        );
        await publish(events);
        return room;
      } catch (error) {
        // Both people opened the conversation at once: the unique direct key let one through.
        const raced = await store.roomByDirectKey(directKey);
        if (raced) return raced;
        throw error;
      }
    },
  };
}
export type Rooms = ReturnType<typeof createRooms>;
