import { createHash } from 'node:crypto';
import {
  ERROR_CODES,
  ExternalId,
  IDENTITY_LIMITS,
  LIMITS,
  type MintedToken,
  type User,
} from '@confab/contracts';
import { AppError } from '../errors.js';
import type { Bus } from '../ports/bus.js';
import type { SessionRecord, Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import { hashToken, newId, newToken } from './crypto.js';
import type { JwtVerifier } from './identity-jwt.js';

/**
 * Bring your own identity: an app that has its own accounts maps each of its users (its
 * `externalId`) to a Confab user, created on first use, without a password. Two ways in:
 * - the app's backend, with an API key, mints short-lived session tokens (`mintToken`);
 * - or the app signs JWTs itself and Confab verifies them (`sessionFromJwt`, see
 *   identity-jwt.ts); each JWT becomes a session that ends at its `exp`.
 * Revoking the user (`revokeUser`) revokes every session and ends their streams.
 */
export function createIdentity(deps: {
  store: Store;
  bus: Bus;
  now: () => number;
  /** Drops a session this process may have cached (see Accounts.forgetSession). */
  forgetSession: (userId: string, sessionId: string) => void;
  jwt?: JwtVerifier | undefined;
}) {
  const { store, bus, now } = deps;

  /** A username for an app's user: stable per externalId, and not one a person would pick. */
  function derivedUsername(externalId: string): string {
    return `app_${createHash('sha256').update(externalId).digest('hex').slice(0, 24)}`;
  }

  async function upsert(input: {
    externalId: string;
    displayName: string;
    username?: string | undefined;
  }): Promise<{ user: User; revoked: boolean }> {
    const found = await store.externalIdentity(input.externalId);
    if (found) {
      if (found.user.displayName !== input.displayName) {
        await store.updateDisplayName(found.user.id, input.displayName);
      }
      return {
        user: { ...found.user, displayName: input.displayName },
        revoked: found.identity.revokedAt !== null,
      };
    }
    const at = now();
    const user: User = {
      id: newId(),
      username: input.username ?? derivedUsername(input.externalId),
      displayName: input.displayName,
      createdAt: at,
    };
    const created = await store.createExternalUser(
      { externalId: input.externalId, createdAt: at },
      user,
    );
    if (created === 'username-taken')
      throw new AppError(ERROR_CODES.USERNAME_TAKEN, 'That username is taken');
    if (created === 'exists') {
      // Another call created it first: that one's user stands.
      const raced = await store.externalIdentity(input.externalId);
      if (!raced) throw new Error('external identity vanished after a concurrent create');
      return { user: raced.user, revoked: raced.identity.revokedAt !== null };
    }
    return { user, revoked: false };
  }

  async function openSession(
    user: User,
    tokenHash: string,
    expiresAt: number,
    deviceLabel: string,
  ): Promise<SessionRecord> {
    const at = now();
    const record: SessionRecord = {
      id: newId(),
      userId: user.id,
      tokenHash,
      deviceLabel,
      createdAt: at,
      lastSeenAt: at,
      revokedAt: null,
      expiresAt,
    };
    await store.createSession(record);
    return record;
  }

  const revokedUser = () => new AppError(ERROR_CODES.SESSION_REVOKED, 'The app revoked this user');

  return {
    /** Whether JWTs are accepted as bearer tokens (JWT_SECRET or JWT_JWKS_URL set). */
    acceptsJwt: deps.jwt !== undefined,

    /** Creates the app's user, or updates its display name. */
    async upsertUser(input: { externalId: string; displayName: string; username?: string }) {
      const { user } = await upsert(input);
      return { externalId: input.externalId, user };
    },

    /** A session token for the app's user (created if new) that expires after `ttlSeconds`. */
    async mintToken(input: {
      externalId: string;
      displayName: string;
      username?: string | undefined;
      ttlSeconds?: number | undefined;
      deviceLabel?: string | undefined;
    }): Promise<MintedToken> {
      const { user, revoked } = await upsert(input);
      if (revoked)
        throw new AppError(ERROR_CODES.FORBIDDEN, 'The app revoked this user; restore it first');
      const token = newToken();
      const ttlMs = (input.ttlSeconds ?? IDENTITY_LIMITS.defaultTokenTtlSeconds) * 1000;
      const session = await openSession(
        user,
        hashToken(token),
        now() + ttlMs,
        input.deviceLabel ?? 'App session',
      );
      return { token, expiresAt: session.expiresAt ?? 0, user };
    },

    /** Revokes every session of the app's user and ends their live streams. */
    async revokeUser(externalId: string): Promise<{ sessionsEnded: number }> {
      const found = await store.externalIdentity(externalId);
      if (!found) throw new AppError(ERROR_CODES.USER_NOT_FOUND, 'No such app user');
      const ended = await store.revokeExternalIdentity(externalId, now());
      for (const sessionId of ended) {
        deps.forgetSession(found.user.id, sessionId);
        await bus.publish(`user:${found.user.id}`, {
          kind: 'session-ended',
          userId: found.user.id,
          sessionId,
        });
      }
      return { sessionsEnded: ended.length };
    },

    /** Lets a revoked app user be minted tokens (and use JWTs) again. */
    async restoreUser(externalId: string): Promise<void> {
      if (!(await store.externalIdentity(externalId)))
        throw new AppError(ERROR_CODES.USER_NOT_FOUND, 'No such app user');
      await store.restoreExternalIdentity(externalId);
    },

    /**
     * A JWT seen for the first time: verified, its `sub` mapped to the app's user (created on
     * first use, named by the `name` claim), and stored as a session keyed by the JWT's hash
     * that ends at its `exp`. Later calls with the same JWT find that session.
     */
    async sessionFromJwt(token: string): Promise<Authenticated> {
      if (!deps.jwt) throw new AppError(ERROR_CODES.SESSION_INVALID, 'Session not recognised');
      const claims = await deps.jwt(token);
      const externalId = ExternalId.safeParse(claims.sub);
      if (!externalId.success) throw new AppError(ERROR_CODES.TOKEN_INVALID, 'JWT sub refused');
      const displayName = (claims.name ?? claims.sub).trim().slice(0, LIMITS.displayNameMaxChars);
      const { user, revoked } = await upsert({
        externalId: externalId.data,
        displayName: displayName || 'App user',
      });
      if (revoked) throw revokedUser();
      const tokenHash = hashToken(token);
      try {
        const session = await openSession(user, tokenHash, claims.expiresAt, 'JWT');
        return { user, session };
      } catch (error) {
        // The same JWT on two calls at once: the other one stored its session.
        const stored = await store.sessionWithUser(tokenHash);
        if (stored) return stored;
        throw error;
      }
    },
  };
}
export type Identity = ReturnType<typeof createIdentity>;
