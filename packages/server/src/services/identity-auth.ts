import { ERROR_CODES } from '@confab/contracts';
import { AppError } from '../errors.js';
import type { Accounts, Authenticated } from './accounts.js';
import type { Identity } from './identity.js';
import { looksLikeJwt } from './identity-jwt.js';

/**
 * Accounts whose `authenticate` also knows the sessions that end by themselves (minted tokens,
 * JWTs: `expiresAt`) and, when JWTs are accepted, a JWT it has not seen yet (see
 * Identity.sessionFromJwt). Everything else is the accounts' own.
 */
export function withExpiringSessions(
  accounts: Accounts,
  identity: Identity,
  now: () => number,
): Accounts {
  const checked = (auth: Authenticated): Authenticated => {
    const { expiresAt } = auth.session;
    if (expiresAt != null && now() >= expiresAt)
      throw new AppError(ERROR_CODES.SESSION_EXPIRED, 'Token expired; get a new one');
    return auth;
  };
  return {
    ...accounts,
    async authenticate(token) {
      try {
        return checked(await accounts.authenticate(token));
      } catch (error) {
        const unknownToken =
          error instanceof AppError && error.appCode === ERROR_CODES.SESSION_INVALID;
        if (!unknownToken || !token || !identity.acceptsJwt || !looksLikeJwt(token)) throw error;
        return checked(await identity.sessionFromJwt(token));
      }
    },
  };
}
