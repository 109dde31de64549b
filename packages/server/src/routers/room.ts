import {
  CreateRoomInput,
  InviteInput,
  ListPublicRoomsInput,
  OpenDirectInput,
  RemoveMemberInput,
  RoomPeopleInput,
  RoomRef,
  SetRoleInput,
  SetRoomRetentionInput,
  UpdateRoomInput,
} from '@confab/contracts';
import { roomRetention } from '../services/room-retention.js';
import { authedProcedure, router } from '../trpc.js';

export const roomRouter = router({
  create: authedProcedure
    .meta({ rateLimit: 'roomCreatePerUser' })
    .input(CreateRoomInput)
    .mutation(({ ctx, input }) => ctx.services.rooms.create(ctx.auth, input)),
  byId: authedProcedure
    .input(RoomRef)
    .query(({ ctx, input }) => ctx.services.rooms.byId(ctx.auth, input.roomId)),
  update: authedProcedure
    .input(UpdateRoomInput)
    .mutation(({ ctx, input }) => ctx.services.rooms.update(ctx.auth, input)),
  join: authedProcedure
    .input(RoomRef)
    .mutation(({ ctx, input }) => ctx.services.rooms.join(ctx.auth, input.roomId)),
  leave: authedProcedure
    .input(RoomRef)
    .mutation(({ ctx, input }) => ctx.services.rooms.leave(ctx.auth, input.roomId)),
  invite: authedProcedure
    .meta({ rateLimit: 'invitePerUser' })
    .input(InviteInput)
    .mutation(({ ctx, input }) => ctx.services.rooms.invite(ctx.auth, input)),
  removeMember: authedProcedure
    .input(RemoveMemberInput)
    .mutation(({ ctx, input }) => ctx.services.rooms.removeMember(ctx.auth, input)),
  setRole: authedProcedure.input(SetRoleInput).mutation(async ({ ctx, input }) => {
    await ctx.services.rooms.setRole(ctx.auth, input);
    return { ok: true as const };
  }),
  /** Members and people who wrote in the room or were in it, by id (names of old messages). */
  people: authedProcedure
    .input(RoomPeopleInput)
    .query(({ ctx, input }) => ctx.services.rooms.people(ctx.auth, input)),
  members: authedProcedure
    .input(RoomRef)
    .query(({ ctx, input }) => ctx.services.rooms.members(ctx.auth, input.roomId)),
  listPublic: authedProcedure
    .input(ListPublicRoomsInput)
    .query(({ ctx, input }) => ctx.services.rooms.listPublic(input.query, input.limit)),
  /** How far each member who shares read receipts has read the room. */
  receipts: authedProcedure
    .input(RoomRef)
    .query(({ ctx, input }) => ctx.services.messages.receipts(ctx.auth, input.roomId)),
  mine: authedProcedure.query(({ ctx }) => ctx.services.rooms.mine(ctx.auth)),
  /** The room's own message retention and where its history begins. */
  retention: authedProcedure
    .input(RoomRef)
    .query(({ ctx, input }) => roomRetention(ctx.services).get(ctx.auth, input.roomId)),
  /** Owner or admin: messages older than `retentionDays` are deleted (null: server default). */
  setRetention: authedProcedure
    .input(SetRoomRetentionInput)
    .mutation(({ ctx, input }) => roomRetention(ctx.services).set(ctx.auth, input)),
  openDirect: authedProcedure
    .meta({ rateLimit: 'roomCreatePerUser' })
    .input(OpenDirectInput)
    .mutation(({ ctx, input }) => ctx.services.rooms.openDirect(ctx.auth, input.username)),
});
