import type { ErrorCode } from '@confab/contracts';

/** A fixed token, or a function that gets a fresh one (from your backend, say). */
export type TokenOption = string | (() => Promise<string>) | undefined;

/**
 * Refusals a new token can cure: the token expired, is unknown (a server that lost it), was
 * never sent, or is a JWT the server could not check (a rotated key). Not SESSION_REVOKED: a
 * revoke must hold, not be undone by asking for another token.
 */
const RENEWABLE: ReadonlySet<ErrorCode> = new Set([
  'SESSION_EXPIRED',
  'SESSION_INVALID',
  'UNAUTHENTICATED',
  'TOKEN_INVALID',
]);

/** The appCodes of a refused tRPC answer (one call, or a batch). */
async function refusalCodes(response: Response): Promise<string[]> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  const items = Array.isArray(body) ? body : [body];
  return items.map((item) => {
    const code = (item as { error?: { data?: { appCode?: unknown } } } | undefined)?.error?.data
      ?.appCode;
    return typeof code === 'string' ? code : '';
  });
}

/**
 * The client's token: the fixed one, or the provider's, asked for once and again only when
 * the server refuses it. One renewal at a time; a renewal that is refused again before
 * anything worked with it is not retried (the provider is not hammered, the caller gives up).
 */
export function createTokenSource(option: TokenOption) {
  const provider = typeof option === 'function' ? option : undefined;
  let token = typeof option === 'string' ? option : undefined;
  let pending: Promise<string> | undefined;
  /** A renewal happened and nothing has worked with its token yet. */
  let untried = false;

  function fetchNew(): Promise<string> {
    if (!provider) return Promise.reject(new Error('No token provider'));
    pending ??= provider().then(
      (fresh) => {
        pending = undefined;
        token = fresh;
        return fresh;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  }

  const source = {
    /** Whether requests carry a token (else the browser's cookie). */
    enabled: option !== undefined,
    current: (): string | undefined => token,
    /** The token to send: the provider is asked when there is none yet. */
    async get(): Promise<string | undefined> {
      if (token !== undefined || !provider) return token;
      return fetchNew();
    },
    /** Whether a refusal with `code` is worth a new token now. */
    renewable(code: ErrorCode): boolean {
      return provider !== undefined && RENEWABLE.has(code) && !untried;
    },
    /**
     * A new token, unless `refused` (the token the server refused) was replaced already by
     * another renewal, whose token is then used.
     */
    async renew(refused: string | undefined): Promise<string> {
      if (token !== undefined && token !== refused) return token;
      untried = true;
      token = undefined;
      return fetchNew();
    },
    /** Something was accepted with the current token. */
    worked(): void {
      untried = false;
    },
    /** close(): nothing more; open() asks the provider again. */
    stop(): void {
      untried = false;
    },
    start(): void {
      untried = false;
      if (provider) token = undefined;
    },
    /**
     * fetch for the API's calls: a call refused because its token ran out (every call of a
     * batch refused so) is sent once more with a new token. Safe for mutations: a call is
     * authenticated before it does anything.
     */
    async renewingFetch(url: string | URL | Request, init: RequestInit): Promise<Response> {
      const headers = new Headers(init.headers);
      const used = headers.get('Authorization')?.replace(/^Bearer /, '');
      const response = await fetch(url, init);
      if (response.ok) {
        source.worked();
        return response;
      }
      if (response.status !== 401 || !provider) return response;
      const codes = await refusalCodes(response);
      if (codes.length === 0 || !codes.every((c) => source.renewable(c as ErrorCode)))
        return response;
      const fresh = await source.renew(used);
      headers.set('Authorization', `Bearer ${fresh}`);
      const again = await fetch(url, { ...init, headers });
      if (again.ok) source.worked();
      return again;
    },
  };
  return source;
}
