import { createHash, randomBytes, randomFillSync, scrypt, timingSafeEqual } from 'node:crypto';

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
  return createHash('sha256').update(token).digest('base64url');
}

// scrypt parameters (OWASP's minimum for scrypt: N=2^17, r=8, p=1 costs ~128 MiB per hash; we
// use N=2^15 to keep a 2-core server responsive under login bursts, ~32 MiB and ~50 ms).
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_BYTES = 32;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, SCRYPT, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$key`, so the parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      Buffer.from(salt, 'base64url'),
      expected.length,
      { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem },
      (error, k) => (error ? reject(error) : resolve(k)),
    );
  });
  return timingSafeEqual(actual, expected);
}

/** A hash to compare against when the username is unknown, so timing does not reveal it. */
export const DUMMY_PASSWORD_HASH = hashPassword('confab-dummy-password');
