import {
  LoginInput,
  RegisterInput,
  RevokeSessionInput,
  UpdateSettingsInput,
} from '@confab/contracts';
import { AppError } from '../errors.js';
import { authedProcedure, type Context, publicProcedure, router } from '../trpc.js';

/**
 * Browsers keep the session in an HttpOnly cookie: the token is set there and left out of the
 * response body, where a script on the page could read it.
 */
function cookieSession(
  ctx: Context,
  result: Awaited<ReturnType<Context['services']['accounts']['login']>>,
) {
  if (!ctx.setSessionCookie)
    throw new AppError('VALIDATION', 'Cookie sessions are opened over HTTP');
  ctx.setSessionCookie(result.token);
  return { user: result.user, session: result.session };
}

/** A page on another origin may not open a cookie session (login CSRF): see http/origin.ts. */
function requireCookieOrigin(ctx: Context) {
  if (!ctx.cookieOriginAllowed)
    throw new AppError('FORBIDDEN', 'This origin may not use the session cookie');
}

/**
 * Sign-in with its limits: attempts per address, and backoff after failures per account and
 * address (see abuse-limits.ts). Each attempt costs a password hash, so the limits come first.
 */
async function login(ctx: Context, input: Parameters<Context['services']['accounts']['login']>[0]) {
  const { limits, accounts } = ctx.services;
  await limits.beforeLogin(input.username, ctx.address);
  try {
    const result = await accounts.login(input);
    await limits.loginSucceeded(input.username, ctx.address);
    return result;
  } catch (error) {
    if (error instanceof AppError && error.appCode === 'INVALID_CREDENTIALS')
      await limits.loginFailed(input.username, ctx.address);
    throw error;
  }
}

export const authRouter = router({
  /** Creates an account and a session; returns its bearer token (for the SDK and apps). */
  register: publicProcedure
    .meta({ rateLimit: 'registerPerAddress' })
    .input(RegisterInput)
    .mutation(({ ctx, input }) => ctx.services.accounts.register(input)),
  /** Opens a session; returns its bearer token (for the SDK and apps). */
  login: publicProcedure
    .meta({ rateLimit: 'own' })
    .input(LoginInput)
    .mutation(({ ctx, input }) => login(ctx, input)),
  /** register, for browsers: the session goes into the HttpOnly cookie only. */
  registerWithCookie: publicProcedure
    .meta({ rateLimit: 'registerPerAddress' })
    .input(RegisterInput)
    .mutation(async ({ ctx, input }) => {
      requireCookieOrigin(ctx);
      return cookieSession(ctx, await ctx.services.accounts.register(input));
    }),
  /** login, for browsers: the session goes into the HttpOnly cookie only. */
  loginWithCookie: publicProcedure
    .meta({ rateLimit: 'own' })
    .input(LoginInput)
    .mutation(async ({ ctx, input }) => {
      requireCookieOrigin(ctx);
      return cookieSession(ctx, await login(ctx, input));
    }),
  /** Ends this session (and clears the cookie) and its live streams. */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.services.accounts.revoke(ctx.auth, ctx.auth.session.id);
    ctx.setSessionCookie?.(null);
    return { ok: true as const };
  }),
  /**
   * The caller, read from the store: the session cache's copy of the user may be a minute old
   * (a new avatar or display name, changed on another device or node).
   */
  me: authedProcedure.query(async ({ ctx }) => ({
    user: (await ctx.services.store.userById(ctx.auth.user.id)) ?? ctx.auth.user,
    sessionId: ctx.auth.session.id,
  })),
  settings: authedProcedure.query(({ ctx }) => ctx.services.store.settingsOf(ctx.auth.user.id)),
  updateSettings: authedProcedure.input(UpdateSettingsInput).mutation(async ({ ctx, input }) => {
    await ctx.services.store.updateSettings(ctx.auth.user.id, input);
    return input;
  }),
  sessions: authedProcedure.query(({ ctx }) => ctx.services.accounts.sessions(ctx.auth)),
  revokeSession: authedProcedure.input(RevokeSessionInput).mutation(async ({ ctx, input }) => {
    await ctx.services.accounts.revoke(ctx.auth, input.sessionId);
    return { ok: true as const };
  }),
});
