import { PresenceOfInput, SetActiveInput, TypingInput } from '@confab/contracts';
import { authedProcedure, router } from '../trpc.js';

export const presenceRouter = router({
  /** Keeps this device counted as present (SSE streams are cut off without it). */
  heartbeat: authedProcedure.mutation(({ ctx }) => {
    ctx.services.presence.heartbeat(ctx.auth);
    return { ok: true as const };
  }),
  /** This device is active (false: hidden tab, idle screen): online vs away. */
  setActive: authedProcedure.input(SetActiveInput).mutation(({ ctx, input }) => {
    ctx.services.presence.setActive(ctx.auth, input.active);
    return { ok: true as const };
  }),
  /** "I am typing in this room": shown to its other members for a few seconds. */
  typing: authedProcedure.input(TypingInput).mutation(async ({ ctx, input }) => {
    await ctx.services.typing.typing(ctx.auth, input.roomId);
    return { ok: true as const };
  }),
  /** Presence of users who share a room with the caller (others are left out). */
  of: authedProcedure.input(PresenceOfInput).query(async ({ ctx, input }) => {
    const peers = new Set(await ctx.services.store.peersOf(ctx.auth.user.id));
    return ctx.services.presence.of(input.userIds.filter((id) => peers.has(id)));
  }),
});
