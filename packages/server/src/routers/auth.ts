import { LoginInput, RegisterInput, RevokeSessionInput } from '@confab/contracts';
import { authedProcedure, publicProcedure, router } from '../trpc.js';

export const authRouter = router({
  register: publicProcedure.input(RegisterInput).mutation(async ({ ctx, input }) => {
    const result = await ctx.services.accounts.register(input);
    ctx.setSessionCookie?.(result.token);
    return result;
  }),
  login: publicProcedure.input(LoginInput).mutation(async ({ ctx, input }) => {
    const result = await ctx.services.accounts.login(input);
    ctx.setSessionCookie?.(result.token);
    return result;
  }),
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.services.accounts.revoke(ctx.auth, ctx.auth.session.id);
    ctx.setSessionCookie?.(null);
    return { ok: true as const };
  }),
  me: authedProcedure.query(({ ctx }) => ({ user: ctx.auth.user, sessionId: ctx.auth.session.id })),
  sessions: authedProcedure.query(({ ctx }) => ctx.services.accounts.sessions(ctx.auth)),
  revokeSession: authedProcedure.input(RevokeSessionInput).mutation(async ({ ctx, input }) => {
    await ctx.services.accounts.revoke(ctx.auth, input.sessionId);
    return { ok: true as const };
  }),
});
