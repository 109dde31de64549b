import { hash } from '@node-rs/argon2';
import { expect, it } from 'vitest';
import { legacyScryptHash } from '../__tests__/passwords.js';
import {
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  newId,
  newTimeOrderedId,
  verifyPassword,
} from './crypto.js';

it('ids are 16 random bytes in base64url, never repeated across refills of the byte pool', () => {
  const ids = Array.from({ length: 10_000 }, () => newId()); // 160 KB: 40 refills
  for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(new Set(ids).size).toBe(ids.length);
});

it('time-ordered ids sort as text in the order of their times, then differ by 12 random bytes', () => {
  const times = [0, 1, 35, 36, 1_700_000_000_000, 1_700_000_000_001, 4_102_444_800_000];
  const ids = times.map((at) => newTimeOrderedId(at));
  for (const id of ids) expect(id).toMatch(/^[0-9a-z]{9}[A-Za-z0-9_-]{16}$/);
  expect([...ids].sort()).toEqual(ids);
  expect(newTimeOrderedId(5)).not.toBe(newTimeOrderedId(5));
});

it('hashes passwords with argon2id at m=19 MiB, t=2, p=1 into a PHC string with a fresh salt', async () => {
  const stored = await hashPassword('correct horse battery');
  expect(stored).toMatch(
    /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
  );
  expect(await hashPassword('correct horse battery')).not.toBe(stored);
  expect(await verifyPassword('correct horse battery', stored)).toBe(true);
  expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  expect(await needsRehash(stored)).toBe(false);
});

it('compares passwords as NFKC: a composed and a decomposed accent are the same password', async () => {
  const stored = await hashPassword('caf\u00e9 au lait');
  expect(await verifyPassword('cafe\u0301 au lait', stored)).toBe(true);
});

it('verifies legacy scrypt hashes and asks for them to be rehashed', async () => {
  // Written by the scrypt-era hashPassword (before argon2id), for 'correct horse battery'.
  const written =
    'scrypt$32768$8$1$wXJJV7-ZuA9csar4zIhkvA$aGSbPedDWYxBu42F7K3joo0S2bT7fbMIwciIM4qUt50';
  for (const legacy of [written, legacyScryptHash('correct horse battery')]) {
    expect(await verifyPassword('correct horse battery', legacy)).toBe(true);
    expect(await verifyPassword('wrong horse battery', legacy)).toBe(false);
    expect(await needsRehash(legacy)).toBe(true);
  }
});

it('verifies argon2 hashes made with other parameters and asks for those to be rehashed', async () => {
  const weaker = await hash('correct horse battery', { memoryCost: 8192, timeCost: 1 });
  const argon2i = await hash('correct horse battery', {
    memoryCost: 19456,
    timeCost: 2,
    algorithm: 1, // Argon2i
  });
  for (const stored of [weaker, argon2i]) {
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse', stored)).toBe(false);
    expect(await needsRehash(stored)).toBe(true);
  }
});

it('refuses hashes in a format it never wrote, and asks for them to be replaced', async () => {
  for (const stored of ['', 'plain text', 'bcrypt$x', 'scrypt$', '$argon2id$garbage']) {
    expect(await needsRehash(stored)).toBe(true);
  }
  expect(await verifyPassword('plain text', 'plain text')).toBe(false);
  expect(await verifyPassword('x', 'scrypt$')).toBe(false);
});

it('the dummy hash for unknown users is a current argon2id hash, made once', async () => {
  const dummy = await dummyPasswordHash();
  expect(dummy).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(await needsRehash(dummy)).toBe(false);
  expect(await dummyPasswordHash()).toBe(dummy);
});
