import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, Store } from '../ports/store.js';
import { hashToken, newId } from './crypto.js';

/**
 * Stored keys start with this, so that a key pasted into a log, a ticket or a repository is
 * recognisable (by people and by secret scanners) as a Confab key.
 */
export const API_KEY_PREFIX = 'confab_';

/** The longest key worth hashing: anything longer is no key of ours (nor any sane API_KEYS). */
const API_KEY_MAX_CHARS = 512;

/**
 * A new API key: 32 random bytes. The key is returned once, to be shown to the operator; only
 * its SHA-256 goes into `record` (a leaked database does not hand out working keys).
 */
export function newApiKey(name: string, at: number): { key: string; record: ApiKeyRecord } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return {
    key,
    record: { id: newId(), name, keyHash: hashToken(key), createdAt: at, revokedAt: null },
  };
}

/**
 * Whether a presented key may call the push API: one of the configured keys (API_KEYS, compared
 * in constant time), or a stored key that is not revoked (looked up by its hash on each call, so
 * a revoke takes effect on every node at once).
 */
export function createApiKeyCheck(deps: {
  store: Pick<Store, 'apiKeyByHash'>;
  configured: readonly string[];
}) {
  const configured = deps.configured.map((k) => Buffer.from(k));
  return async (presented: string | undefined): Promise<boolean> => {
    if (!presented || presented.length > API_KEY_MAX_CHARS) return false;
    const candidate = Buffer.from(presented);
    if (configured.some((k) => k.length === candidate.length && timingSafeEqual(k, candidate)))
      return true;
    const stored = await deps.store.apiKeyByHash(hashToken(presented));
    return stored !== undefined && stored.revokedAt === null;
  };
}
