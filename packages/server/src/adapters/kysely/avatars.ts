import type { Kysely } from 'kysely';
import type { AvatarStore } from '../../ports/avatar-store.js';
import type { Store } from '../../ports/store.js';
import type { Database } from './schema.js';

export function avatarsStore(db: Kysely<Database>, dialect: Store['dialect']): AvatarStore {
  return {
    async putAvatar(userId, { image, contentType, at }) {
      return db.transaction().execute(async (tx) => {
        // Two uploads of one user in one millisecond must not both get the same version (a
        // cached picture under that URL would be the other one): on PostgreSQL the user's row
        // is locked first, so the second reads the first's version; SQLite runs one write
        // transaction at a time.
        if (dialect === 'postgres')
          await tx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
        const previous = await tx
          .selectFrom('avatars')
          .select('version')
          .where('user_id', '=', userId)
          .executeTakeFirst();
        const version = previous ? Math.max(at, Number(previous.version) + 1) : at;
        await tx
          .insertInto('avatars')
          .values({ user_id: userId, image, content_type: contentType, version, updated_at: at })
          .onConflict((oc) =>
            oc.column('user_id').doUpdateSet({
              image,
              content_type: contentType,
              version,
              updated_at: at,
            }),
          )
          .execute();
        await tx
          .updateTable('users')
          .set({ avatar_version: version })
          .where('id', '=', userId)
          .execute();
        return version;
      });
    },
    async avatarOf(userId) {
      const row = await db
        .selectFrom('avatars')
        .select(['image', 'content_type', 'version'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return undefined;
      return { image: row.image, contentType: row.content_type, version: Number(row.version) };
    },
    async deleteAvatar(userId) {
      return db.transaction().execute(async (tx) => {
        const result = await tx
          .deleteFrom('avatars')
          .where('user_id', '=', userId)
          .executeTakeFirst();
        await tx
          .updateTable('users')
          .set({ avatar_version: null })
          .where('id', '=', userId)
          .execute();
        return Number(result.numDeletedRows) > 0;
      });
    },
  };
}
