import type { ChatClient } from '@confab/client';
import type { ErrorCode } from '@confab/contracts';

// Typed from the server's router, as the SDK's calls are: a wrong field is a compile error.
type Auth = ChatClient['api']['auth'];
type InputOf<P extends keyof Auth> = Auth[P] extends { mutate: (input: infer I) => unknown }
  ? I
  : never;
type ResultOf<P extends keyof Auth> = Auth[P] extends { mutate: (...a: never[]) => infer R }
  ? Awaited<R>
  : Auth[P] extends { query: (...a: never[]) => infer R }
    ? Awaited<R>
    : never;

/**
 * The few calls the app makes before anyone is signed in, without the SDK: the sign-in screen
 * is the first thing a new visitor loads, and the SDK (tRPC's client, zod) would more than
 * double what it waits for (issue 18). They speak tRPC's HTTP wire format, which the server
 * answers for any client: a query is a GET, a mutation a JSON POST; the answer is
 * `{ result: { data } }` or `{ error: { message, data: { appCode, issues } } }`. The session
 * rides in the HttpOnly cookie, as it does for the SDK in the page.
 */

/** A refusal from the server, shaped as the SDK's errors are for `errorCodeOf` and forms. */
export class ApiRefusal extends Error {
  override readonly name = 'ApiRefusal';
  readonly data: { appCode?: ErrorCode; issues?: unknown; retryAfterMs?: number };

  constructor(message: string, data: ApiRefusal['data']) {
    super(message);
    this.data = data;
  }
}

async function call<T>(path: string, init: RequestInit): Promise<T> {
  // A request that never got an answer rejects with the browser's own TypeError ("Failed to
  // fetch"), which lib/unreachable.ts tells apart from a refusal, as it does for the SDK.
  const response = await fetch(`/trpc/${path}`, { ...init, credentials: 'same-origin' });
  const body = (await response.json().catch(() => undefined)) as
    | { result?: { data: T }; error?: { message?: string; data?: ApiRefusal['data'] } }
    | undefined;
  if (response.ok && body?.result) return body.result.data;
  throw new ApiRefusal(body?.error?.message ?? `HTTP ${response.status}`, body?.error?.data ?? {});
}

function mutation<P extends 'loginWithCookie' | 'registerWithCookie'>(path: P, input: InputOf<P>) {
  return call<ResultOf<P>>(`auth.${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
}

/** Who the session cookie signs in, if anyone (`auth.me`). */
export const me = () => call<ResultOf<'me'>>('auth.me', { method: 'GET' });

/** Signs in; the server sets the session cookie (`auth.loginWithCookie`). */
export const signInWithCookie = (input: InputOf<'loginWithCookie'>) =>
  mutation('loginWithCookie', input);

/** Creates an account and signs it in; the server sets the cookie (`auth.registerWithCookie`). */
export const registerWithCookie = (input: InputOf<'registerWithCookie'>) =>
  mutation('registerWithCookie', input);
