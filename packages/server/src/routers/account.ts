import { DeleteAccountInput, UpdateProfileInput } from '@confab/contracts';
import { accountData } from '../services/account-data.js';
import { announceProfile } from '../services/profile-news.js';
import { authedProcedure, router } from '../trpc.js';

export const accountRouter = router({
  /**
   * Changes the caller's display name; answers the user as now stored. Everyone who shares a
   * room with them (and their other devices) hears it live as a `profile` event.
   */
  updateProfile: authedProcedure.input(UpdateProfileInput).mutation(async ({ ctx, input }) => {
    const { store } = ctx.services;
    const id = ctx.auth.user.id;
    await store.updateDisplayName(id, input.displayName);
    await announceProfile(ctx.services, id);
    return { user: (await store.userById(id)) ?? { ...ctx.auth.user, ...input } };
  }),
  /** Everything Confab holds about the caller, as JSON (no token, hash or push key). */
  export: authedProcedure
    .meta({ rateLimit: 'exportPerUser' })
    .query(({ ctx }) => accountData(ctx.services).export(ctx.auth)),
  /**
   * Deletes the caller's account after checking their password: every session ends, they leave
   * every room; their messages stay, shown as from "Deleted user" (docs/operations.md).
   */
  delete: authedProcedure
    .meta({ rateLimit: 'accountDeletePerUser' })
    .input(DeleteAccountInput)
    .mutation(async ({ ctx, input }) => {
      await accountData(ctx.services).delete(ctx.auth, input.password);
      ctx.setSessionCookie?.(null);
      return { ok: true as const };
    }),
});
