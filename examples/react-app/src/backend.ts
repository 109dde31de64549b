/** Calls to the app's own backend (same origin; its session cookie goes along). */
export interface Me {
  user: { username: string; displayName: string };
  confabUrl: string;
  roomId: string;
  roomName: string;
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new Error(body.error ?? `${path}: HTTP ${response.status}`);
  }
  return (await response.json()) as T;
}

/** The signed-in app user, or null when signed out. */
export async function fetchMe(): Promise<Me | null> {
  const response = await fetch('/api/me');
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`/api/me: HTTP ${response.status}`);
  return (await response.json()) as Me;
}

export async function signIn(username: string, password: string): Promise<void> {
  await call('/api/sign-in', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

export async function signOut(): Promise<void> {
  await call('/api/sign-out', { method: 'POST' });
}

/**
 * The token provider handed to the Confab client: a fresh short-lived token from the backend,
 * asked for at the start and again whenever Confab refuses the current one as expired.
 */
export async function confabToken(): Promise<string> {
  return (await call<{ token: string }>('/confab-token')).token;
}
