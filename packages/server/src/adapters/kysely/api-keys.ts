import type { Kysely } from 'kysely';
import type { ApiKeyRecord, ApiKeysStore } from '../../ports/store.js';
import type { Database } from './schema.js';

function toApiKey(row: Database['api_keys']): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    keyHash: row.key_hash,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export function apiKeysStore(db: Kysely<Database>): ApiKeysStore {
  return {
    async createApiKey(key) {
      await db
        .insertInto('api_keys')
        .values({
          id: key.id,
          name: key.name,
          key_hash: key.keyHash,
          created_at: key.createdAt,
          revoked_at: key.revokedAt,
        })
        .execute();
    },
    async apiKeyByHash(keyHash) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      return row ? toApiKey(row) : undefined;
    },
    async apiKeys() {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toApiKey);
    },
    async revokeApiKey(id, at) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
