import { hash, randomBytes, randomFillSync, scrypt, timingSafeEqual } from 'node:crypto';
import type { Algorithm, Version } from '@node-rs/argon2';
import { loadArgon2 } from '../lazy-modules.js';

/**
 * Random bytes for ids, drawn 4 KiB at a time: asking the CSPRNG for 12 bytes per message cost
 * 4% of a send. Each byte is handed out once.
 */
const idBytes = Buffer.alloc(4096);
let idBytesUsed = idBytes.length;
function randomPart(bytes: number): string {
  if (idBytesUsed + bytes > idBytes.length) {
    randomFillSync(idBytes);
    idBytesUsed = 0;
  }
  idBytesUsed += bytes;
  return idBytes.toString('base64url', idBytesUsed - bytes, idBytesUsed);
}

/** Random ids: 16 bytes, URL-safe. */
export function newId(): string {
  return randomPart(16);
}

/**
 * An id that sorts by creation time: the epoch milliseconds in 9 base-36 digits (they sort as
 * text until the year 5188), then 12 random bytes. Rows keyed by it land beside the rows made
 * just before them, so a commit writes a few index pages instead of one random page per row:
 * on SQLite that halved what a batch of sends cost to commit.
 */
export function newTimeOrderedId(at: number): string {
  return at.toString(36).padStart(9, '0') + randomPart(12);
}

/** A session token: 32 random bytes. Only its SHA-256 is stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  // One-shot: every authenticated call hashes its token (a Hash object cost twice as much).
  return hash('sha256', token, 'base64url');
}

/**
 * argon2id at OWASP's first recommended setting (Password Storage Cheat Sheet: m=19 MiB, t=2,
 * p=1; also this library's default). OWASP lists equivalent trades (46 MiB/t=1, 12 MiB/t=3...):
 * we keep the lower memory because each hash holds it for its whole run, and hashes run on
 * libuv's thread pool (4 threads), so a login burst peaks at ~76 MiB rather than ~184 MiB on a
 * small server. Measured on the 2-core dev box: ~16 ms per hash, off the main thread. Raising
 * these later is safe: older hashes still verify and are rehashed at their next login.
 */
const ARGON2 = {
  algorithm: 2 satisfies Algorithm, // Argon2id (a const enum: not importable as a value here)
  version: 1 satisfies Version, // 0x13, the current version
  memoryCost: 19 * 1024, // KiB
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

// Passwords are compared as NFKC, so the same password typed on two keyboards (composed or
// decomposed accents, full-width digits) is one password. The scrypt hashes did the same.
const normalized = (password: string) => password.normalize('NFKC');

/** A PHC string: `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`. The salt is 16 random bytes. */
export async function hashPassword(password: string): Promise<string> {
  return (await loadArgon2()).hash(normalized(password), ARGON2);
}

/**
 * Checks a password against a stored hash: argon2 (any parameters) or the legacy
 * `scrypt$N$r$p$salt$key`. False for a wrong password or a format this server never wrote.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2'))
    return (await loadArgon2()).verify(stored, normalized(password));
  if (stored.startsWith('scrypt$')) return verifyScrypt(password, stored);
  return false;
}

/**
 * True when a stored hash was not made with the current algorithm and parameters: after a
 * successful login, the account's hash should be replaced by `hashPassword`'s.
 */
export async function needsRehash(stored: string): Promise<boolean> {
  if (!stored.startsWith('$argon2')) return true;
  const { parseOptions } = await loadArgon2();
  try {
    const used = parseOptions(stored);
    return (
      used.algorithm !== ARGON2.algorithm ||
      used.version !== ARGON2.version ||
      used.memoryCost !== ARGON2.memoryCost ||
      used.timeCost !== ARGON2.timeCost ||
      used.parallelism !== ARGON2.parallelism ||
      used.outputLen !== ARGON2.outputLen
    );
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * A current-policy hash to verify against when the username is unknown, so the response time
 * does not tell whether the account exists. Made on first use (a process that never serves a
 * login never pays for it).
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('confab-dummy-password');
  return dummyHash;
}

/**
 * Legacy hashes, `scrypt$N$r$p$salt$key` (N=2^15, r=8, p=1 until argon2id replaced them): still
 * verified so existing accounts can sign in, and rehashed when they do.
 */
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, key] = stored.split('$');
  if (!n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(
      normalized(password),
      Buffer.from(salt, 'base64url'),
      expected.length,
      // 128 * N * r bytes: 32 MiB for the parameters we wrote; room for one step up.
      { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 },
      (error, derived) => (error ? reject(error) : resolve(derived)),
    );
  });
  return timingSafeEqual(actual, expected);
}
