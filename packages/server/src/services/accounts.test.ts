import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { legacyScryptHash } from '../__tests__/passwords.js';
import { openStore, testClock } from '../__tests__/store.js';
import { createMemoryBus } from '../adapters/memory-bus.js';
import { AppError } from '../errors.js';
import type { Store } from '../ports/store.js';
import { type Accounts, createAccounts } from './accounts.js';

const PASSWORD = 'correct horse battery';

describe('accounts over a real store', () => {
  let db: TestDatabase;
  let store: Store;
  let accounts: Accounts;
  const clock = testClock();
  beforeAll(async () => {
    ({ db, store } = await openStore(async () => sqliteDatabase()));
    accounts = createAccounts({ store, bus: createMemoryBus(), now: clock.now });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  async function legacyUser(username: string) {
    const passwordHash = legacyScryptHash(PASSWORD);
    await store.createUser({
      id: clock.nextId('u'),
      username,
      displayName: 'Old',
      createdAt: clock.now(),
      passwordHash,
    });
    return passwordHash;
  }
  const storedHash = async (username: string) =>
    (await store.userByUsername(username))?.passwordHash;

  it('signs in a user with a legacy scrypt hash, stores an argon2id hash, and signs them in again', async () => {
    await legacyUser('legacy');
    const first = await accounts.login({ username: 'legacy', password: PASSWORD });
    expect(first.user.username).toBe('legacy');
    const upgraded = await storedHash('legacy');
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const second = await accounts.login({ username: 'legacy', password: PASSWORD });
    expect(second.user.id).toBe(first.user.id);
    // Already current: the second login leaves the hash as it was.
    expect(await storedHash('legacy')).toBe(upgraded);
  });

  it('leaves a legacy hash alone when the password is wrong', async () => {
    const legacy = await legacyUser('legacy_wrong');
    await expect(
      accounts.login({ username: 'legacy_wrong', password: 'not it at all' }),
    ).rejects.toMatchObject({
      appCode: 'INVALID_CREDENTIALS',
    });
    expect(await storedHash('legacy_wrong')).toBe(legacy);
  });

  it('refuses common passwords at registration, whatever their case', async () => {
    for (const password of ['password', 'Password', '123456789', 'QWERTYUIOP']) {
      const refusal = await accounts
        .register({ username: 'common', displayName: 'Common', password })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refusal).toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({
        appCode: 'VALIDATION',
        message: 'Password is one of the most common passwords; choose another',
        issues: [
          { path: 'password', message: 'is one of the most common passwords; choose another' },
        ],
      });
    }
    expect(await store.userByUsername('common')).toBeUndefined();
    const ok = await accounts.register({
      username: 'common',
      displayName: 'Common',
      password: PASSWORD,
    });
    expect(await storedHash('common')).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(ok.user.username).toBe('common');
  });
});
