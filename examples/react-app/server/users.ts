import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The app's OWN accounts: Confab never sees these passwords. (A real app has its own user
 * database; two fixed demo users keep the example small.)
 */
const USERS: Record<string, { password: string; displayName: string }> = {
  ada: { password: 'ada-secret', displayName: 'Ada' },
  bob: { password: 'bob-secret', displayName: 'Bob' },
};

export interface AppUser {
  username: string;
  displayName: string;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The app's sessions (cookie value -> user), in memory: signing in again makes a new one. */
const sessions = new Map<string, AppUser>();

/** A new session id for a right username and password, else undefined. */
export function signIn(username: string, password: string): string | undefined {
  const user = USERS[username];
  if (!user || !same(user.password, password)) return undefined;
  const id = randomBytes(24).toString('base64url');
  sessions.set(id, { username, displayName: user.displayName });
  return id;
}

export function userOfSession(id: string | undefined): AppUser | undefined {
  return id === undefined ? undefined : sessions.get(id);
}

export function signOut(id: string | undefined): void {
  if (id !== undefined) sessions.delete(id);
}
