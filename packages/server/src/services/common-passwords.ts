import { loadCommonLists } from '../lazy-modules.js';

let common: Promise<ReadonlySet<string>> | undefined;

/**
 * The ~49,000 most common passwords from zxcvbn-ts's common list (lower case). Imported on the
 * first registration, not at startup: decompressing it takes ~100 ms and ~7 MB of heap that a
 * process which never registers anyone (a test, a bench driver) should not pay. Loaded once;
 * later calls share it.
 */
function commonPasswords(): Promise<ReadonlySet<string>> {
  common ??= loadCommonLists().then(
    ({ dictionary }) => new Set(dictionary['passwords-common']),
    (error: unknown) => {
      common = undefined; // tried again at the next password
      throw error;
    },
  );
  return common;
}

/**
 * True for a password on the common-passwords list, ignoring case (and Unicode form: compared
 * as NFKC, as passwords are hashed), so "Password" is refused like "password".
 */
export async function isCommonPassword(password: string): Promise<boolean> {
  return (await commonPasswords()).has(password.normalize('NFKC').toLowerCase());
}
