import { DeleteAccountInput } from '@confab/contracts';
import { accountData } from '../services/account-data.js';
import { authedProcedure, router } from '../trpc.js';

export const accountRouter = router({
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
