import { ExternalUserInput, MintTokenInput, UpsertExternalUserInput } from '@confab/contracts';
import { apiKeyProcedure, router } from '../trpc.js';

/**
 * Bring your own identity, for an app's backend (API key, `X-Api-Key`): its users become
 * Confab users by the app's own id for them, and get short-lived tokens without a password.
 */
export const identityRouter = router({
  /** Creates the app's user (by externalId), or updates its display name. */
  upsertUser: apiKeyProcedure
    .input(UpsertExternalUserInput)
    .mutation(({ ctx, input }) => ctx.services.identity.upsertUser(input)),
  /** A session token for the app's user (created if new) that expires after `ttlSeconds`. */
  mintToken: apiKeyProcedure
    .input(MintTokenInput)
    .mutation(({ ctx, input }) => ctx.services.identity.mintToken(input)),
  /** Revokes every session of the app's user (their streams end) until restoreUser. */
  revokeUser: apiKeyProcedure
    .input(ExternalUserInput)
    .mutation(({ ctx, input }) => ctx.services.identity.revokeUser(input.externalId)),
  /** Lets a revoked app user in again. */
  restoreUser: apiKeyProcedure.input(ExternalUserInput).mutation(async ({ ctx, input }) => {
    await ctx.services.identity.restoreUser(input.externalId);
    return { ok: true as const };
  }),
});
