import { type AuthResult, ERROR_CODES, LIMITS, type Session, type User } from '@confab/contracts';
import { AppError } from '../errors.js';
import { fallbackLogger, type Logger } from '../observability/logger.js';
import type { Bus } from '../ports/bus.js';
import type { SessionRecord, Store, UserRecord } from '../ports/store.js';
import { isCommonPassword } from './common-passwords.js';
import {
  dummyPasswordHash,
  hashPassword,
  hashToken,
  needsRehash,
  newId,
  newToken,
  verifyPassword,
} from './crypto.js';
import { createSessionCache } from './session-cache.js';

export interface Authenticated {
  user: User;
  session: SessionRecord;
}

/** Last-seen is written at most this often per session, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

function toSession(record: SessionRecord, currentId: string): Session {
  return {
    id: record.id,
    deviceLabel: record.deviceLabel,
    createdAt: record.createdAt,
    lastSeenAt: record.lastSeenAt,
    current: record.id === currentId,
  };
}

export function createAccounts(deps: {
  store: Store;
  bus: Bus;
  now: () => number;
  /** @default fallbackLogger */
  log?: Logger;
}) {
  const { store, bus, now } = deps;
  const log = deps.log ?? fallbackLogger;
  const sessions = createSessionCache({ store, bus, now });

  async function openSession(user: User, deviceLabel: string | undefined): Promise<AuthResult> {
    const token = newToken();
    const at = now();
    const record: SessionRecord = {
      id: newId(),
      userId: user.id,
      tokenHash: hashToken(token),
      deviceLabel: deviceLabel ?? 'Unnamed device',
      createdAt: at,
      lastSeenAt: at,
      revokedAt: null,
    };
    await store.createSession(record);
    return { token, user, session: toSession(record, record.id) };
  }

  /**
   * Moves a user who just proved their password onto the current hash (scrypt, or argon2 at
   * older parameters). Best effort: their old hash still verifies, so a failed write must not
   * fail the login; the next login tries again.
   */
  async function rehash(record: UserRecord, password: string): Promise<void> {
    try {
      await store.updatePasswordHash(record.id, {
        from: record.passwordHash,
        to: await hashPassword(password),
      });
    } catch (error) {
      log.warn({ err: error }, 'accounts: could not rehash a password');
    }
  }

  return {
    async register(input: {
      username: string;
      displayName: string;
      password: string;
      deviceLabel?: string | undefined;
    }) {
      if (await isCommonPassword(input.password)) {
        const issue = 'is one of the most common passwords; choose another';
        throw new AppError(ERROR_CODES.VALIDATION, `Password ${issue}`, {
          issues: [{ path: 'password', message: issue }],
        });
      }
      const user: User = {
        id: newId(),
        username: input.username,
        displayName: input.displayName,
        createdAt: now(),
      };
      const result = await store.createUser({
        ...user,
        passwordHash: await hashPassword(input.password),
      });
      if (result === 'username-taken')
        throw new AppError(ERROR_CODES.USERNAME_TAKEN, 'That username is taken');
      return openSession(user, input.deviceLabel);
    },

    async login(input: { username: string; password: string; deviceLabel?: string | undefined }) {
      const record = await store.userByUsername(input.username);
      // Verify against a dummy hash for unknown users so response time does not leak existence.
      const ok = await verifyPassword(
        input.password,
        record?.passwordHash ?? (await dummyPasswordHash()),
      );
      if (!record || !ok)
        throw new AppError(ERROR_CODES.INVALID_CREDENTIALS, 'Wrong username or password');
      // Awaited, so the login that upgrades the hash returns after the new one is stored.
      if (await needsRehash(record.passwordHash)) await rehash(record, input.password);
      const { passwordHash: _omit, ...user } = record;
      return openSession(user, input.deviceLabel);
    },

    /** Resolves a token to its user and session, or throws the precise reason it cannot. */
    async authenticate(token: string | undefined): Promise<Authenticated> {
      if (!token) throw new AppError(ERROR_CODES.UNAUTHENTICATED, 'Sign in first');
      const found = await sessions.lookup(hashToken(token));
      if (!found)
        throw new AppError(ERROR_CODES.SESSION_INVALID, 'Session not recognised; sign in again');
      const { session, user } = found;
      if (session.revokedAt !== null)
        throw new AppError(ERROR_CODES.SESSION_REVOKED, 'This session was signed out');
      const at = now();
      if (at - session.lastSeenAt > LIMITS.sessionIdleTtlMs) {
        throw new AppError(ERROR_CODES.SESSION_EXPIRED, 'Session expired; sign in again');
      }
      if (at - session.lastSeenAt > TOUCH_INTERVAL_MS) {
        await store.touchSession(session.id, at);
        session.lastSeenAt = at;
      }
      return { user, session };
    },

    async sessions(auth: Authenticated): Promise<Session[]> {
      const records = await store.sessionsOf(auth.user.id);
      return records.map((r) => toSession(r, auth.session.id));
    },

    /**
     * Drops a session this process may have cached, at once (it hears the bus's
     * 'session-ended' too, but a revoke must hold on the very next call made here).
     */
    forgetSession(userId: string, sessionId: string): void {
      sessions.forget(userId, sessionId);
    },

    /** Ends a session (this device's on logout, another's on revoke) and its live streams. */
    async revoke(auth: Authenticated, sessionId: string): Promise<void> {
      const revoked = await store.revokeSession(auth.user.id, sessionId, now());
      // Not SESSION_INVALID: that would read as "your own token is dead" to a client.
      if (!revoked) throw new AppError(ERROR_CODES.SESSION_NOT_FOUND, 'No such session');
      sessions.forget(auth.user.id, sessionId);
      await bus.publish(`user:${auth.user.id}`, {
        kind: 'session-ended',
        userId: auth.user.id,
        sessionId,
      });
    },
  };
}
export type Accounts = ReturnType<typeof createAccounts>;
