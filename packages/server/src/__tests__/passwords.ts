import { randomBytes, scryptSync } from 'node:crypto';

/**
 * A password hash as the server wrote them before argon2id: `scrypt$N$r$p$salt$key` with
 * N=2^15, r=8, p=1, a 16-byte salt and a 32-byte key over the NFKC form of the password.
 */
export function legacyScryptHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 32, {
    N: 2 ** 15,
    r: 8,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  });
  return ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}
