import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { openStore } from '../../__tests__/store.js';
import type { Store } from '../../ports/store.js';
import { API_KEY_PREFIX, createApiKeyCheck, newApiKey } from '../../services/api-keys.js';
import { hashToken } from '../../services/crypto.js';

const T = 1_700_000_000_000;

// Stored API keys on every engine, and the check the push API runs against them.
describe.each(ENGINES)('API keys on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    ({ db, store } = await openStore(create));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('keeps only the hash, lists keys oldest first, and revokes each once', async () => {
    const first = newApiKey('billing', T);
    const second = newApiKey('alerts', T + 1);
    expect(first.key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(first.key).toHaveLength(API_KEY_PREFIX.length + 43);
    expect(first.record.keyHash).toBe(hashToken(first.key));
    await store.createApiKey(second.record);
    await store.createApiKey(first.record);

    expect(await store.apiKeys()).toEqual([first.record, second.record]);
    expect(await store.apiKeyByHash(hashToken(second.key))).toEqual(second.record);
    expect(await store.apiKeyByHash(hashToken('confab_unknown'))).toBeUndefined();

    expect(await store.revokeApiKey(first.record.id, T + 5)).toBe(true);
    expect(await store.revokeApiKey(first.record.id, T + 6)).toBe(false);
    expect(await store.revokeApiKey('no-such-id', T + 6)).toBe(false);
    expect(await store.apiKeys()).toEqual([{ ...first.record, revokedAt: T + 5 }, second.record]);
  });

  it('accepts configured keys and live stored keys, refuses revoked, unknown and empty ones', async () => {
    const live = newApiKey('live', T);
    const revoked = newApiKey('revoked', T);
    await store.createApiKey(live.record);
    await store.createApiKey(revoked.record);
    await store.revokeApiKey(revoked.record.id, T + 1);
    const configured = 'a-configured-key-of-32-characters';
    const isApiKey = createApiKeyCheck({ store, configured: [configured] });

    expect(await isApiKey(configured)).toBe(true);
    expect(await isApiKey(live.key)).toBe(true);
    expect(await isApiKey(revoked.key)).toBe(false);
    expect(await isApiKey(`${live.key}x`)).toBe(false);
    expect(await isApiKey(live.record.keyHash)).toBe(false);
    expect(await isApiKey('')).toBe(false);
    expect(await isApiKey(undefined)).toBe(false);
    expect(await isApiKey('x'.repeat(513))).toBe(false);
  });
});
