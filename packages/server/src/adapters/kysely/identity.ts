import type { Kysely } from 'kysely';
import type { IdentityStore } from '../../ports/identity-store.js';
import { isUniqueViolation, toUser } from './rows.js';
import type { Database } from './schema.js';

/**
 * What an app's user has for a password hash: no hash function produces it, so verifyPassword
 * refuses every password and the user can only come in through the app (a token or a JWT).
 */
export const NO_PASSWORD = '!external';

/** Which insert of createExternalUser a unique violation came from. */
class StepFailed extends Error {
  constructor(readonly step: 'user' | 'identity') {
    super(step);
  }
}

export function identityStore(db: Kysely<Database>): IdentityStore {
  return {
    async externalIdentity(externalId) {
      const row = await db
        .selectFrom('external_identities as e')
        .innerJoin('users as u', 'u.id', 'e.user_id')
        .select([
          'e.external_id',
          'e.user_id',
          'e.created_at',
          'e.revoked_at',
          'u.id',
          'u.username',
          'u.display_name',
          'u.created_at as user_created_at',
          'u.avatar_version',
        ])
        .where('e.external_id', '=', externalId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        identity: {
          externalId: row.external_id,
          userId: row.user_id,
          createdAt: Number(row.created_at),
          revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
        },
        user: toUser({ ...row, created_at: row.user_created_at }),
      };
    },

    async createExternalUser(identity, user) {
      try {
        await db.transaction().execute(async (tx) => {
          await tx
            .insertInto('users')
            .values({
              id: user.id,
              username: user.username,
              display_name: user.displayName,
              password_hash: NO_PASSWORD,
              created_at: user.createdAt,
            })
            .execute()
            .catch((error: unknown) => {
              throw isUniqueViolation(error) ? new StepFailed('user') : error;
            });
          await tx
            .insertInto('external_identities')
            .values({
              external_id: identity.externalId,
              user_id: user.id,
              created_at: identity.createdAt,
              revoked_at: null,
            })
            .execute()
            .catch((error: unknown) => {
              throw isUniqueViolation(error) ? new StepFailed('identity') : error;
            });
        });
        return 'created';
      } catch (error) {
        if (!(error instanceof StepFailed)) throw error;
        if (error.step === 'identity') return 'exists';
        // The username is taken: by this identity's own user (a concurrent create), or another.
        const raced = await db
          .selectFrom('external_identities')
          .select('user_id')
          .where('external_id', '=', identity.externalId)
          .executeTakeFirst();
        return raced ? 'exists' : 'username-taken';
      }
    },

    async updateDisplayName(userId, displayName) {
      await db
        .updateTable('users')
        .set({ display_name: displayName })
        .where('id', '=', userId)
        .execute();
    },

    async revokeExternalIdentity(externalId, at) {
      return db.transaction().execute(async (tx) => {
        const identity = await tx
          .updateTable('external_identities')
          .set({ revoked_at: at })
          .where('external_id', '=', externalId)
          .returning('user_id')
          .executeTakeFirst();
        if (!identity) return [];
        const ended = await tx
          .updateTable('sessions')
          .set({ revoked_at: at })
          .where('user_id', '=', identity.user_id)
          .where('revoked_at', 'is', null)
          .returning('id')
          .execute();
        return ended.map((s) => s.id);
      });
    },

    async restoreExternalIdentity(externalId) {
      await db
        .updateTable('external_identities')
        .set({ revoked_at: null })
        .where('external_id', '=', externalId)
        .execute();
    },
  };
}
