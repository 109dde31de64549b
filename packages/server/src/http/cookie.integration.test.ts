import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sqliteDatabase } from '../__tests__/databases.js';
import { serverForSuite, startServer } from '../__tests__/server.js';

/** What a browser does: POST a mutation, keep the cookie, send it with later requests. */
async function call(url: string, path: string, input: unknown, cookie?: string) {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(input),
  });
  return {
    response,
    body: (await response.json()) as { result?: { data: unknown }; error?: unknown },
  };
}

describe('browser sessions in an HttpOnly cookie', () => {
  const server = serverForSuite();

  it('sets the cookie, keeps the token out of the body, and authenticates HTTP and WebSocket with it', async () => {
    const { response, body } = await call(server.url, 'auth.registerWithCookie', {
      username: 'browser_user',
      displayName: 'Browser',
      password: 'correct horse battery',
    });
    const [setCookie = '', hint] = response.headers.getSetCookie();
    expect(setCookie).toMatch(
      /^confab_session=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    // Beside it, a hint the page can read (no token in it), with the same lifetime.
    expect(hint).toBe('confab_signed_in=1; Max-Age=2592000; Path=/; SameSite=Lax');
    expect(JSON.stringify(body)).not.toContain('token');
    const cookie = setCookie.split(';')[0] ?? '';

    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { Cookie: cookie } });
    expect(
      ((await me.json()) as { result: { data: { user: { username: string } } } }).result.data.user
        .username,
    ).toBe('browser_user');

    // The WebSocket upgrade carries the cookie: a subscription is accepted without a token.
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/trpc`, {
      headers: { Cookie: cookie },
    });
    const first = new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(data.toString())),
    );
    await new Promise<void>((resolve) => ws.once('open', () => resolve()));
    ws.send(
      JSON.stringify({
        id: 1,
        method: 'subscription',
        params: { path: 'events.onEvent', input: {} },
      }),
    );
    expect(JSON.parse(await first)).toEqual({ id: 1, result: { type: 'started' } });
    ws.close();

    // Logging out clears it, and the old cookie no longer works.
    const out = await call(server.url, 'auth.logout', {}, cookie);
    const cleared = out.response.headers.getSetCookie();
    expect(cleared[0]).toMatch(/^confab_session=; Max-Age=0;/);
    expect(cleared[1]).toMatch(/^confab_signed_in=; Max-Age=0;/);
    const after = await fetch(`${server.url}/trpc/auth.me`, { headers: { Cookie: cookie } });
    expect(after.status).toBe(401);
    expect(
      ((await after.json()) as { error: { data: { appCode: string } } }).error.data.appCode,
    ).toBe('SESSION_REVOKED');
  });

  it('does not set a cookie for token logins', async () => {
    const { response, body } = await call(server.url, 'auth.register', {
      username: 'sdk_user',
      displayName: 'SDK',
      password: 'correct horse battery',
    });
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(body.result?.data).toMatchObject({
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
  });

  it('over HTTPS it is the __Host- cookie, Secure, with HSTS on the answer; the plain name is not read', async () => {
    const secureDb = sqliteDatabase();
    const secure = await startServer(secureDb.url, { secureCookies: true });
    try {
      const { response } = await call(secure.url, 'auth.registerWithCookie', {
        username: 'https_user',
        displayName: 'HTTPS',
        password: 'correct horse battery',
      });
      const [setCookie = '', hint] = response.headers.getSetCookie();
      expect(setCookie).toMatch(
        /^__Host-confab_session=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
      );
      expect(hint).toBe('confab_signed_in=1; Max-Age=2592000; Path=/; SameSite=Lax; Secure');
      expect(response.headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
      const cookie = setCookie.split(';')[0] ?? '';
      const me = await fetch(`${secure.url}/trpc/auth.me`, { headers: { Cookie: cookie } });
      expect(me.status).toBe(200);
      // A cookie of the plain name (one a sibling subdomain could set) is not the session.
      const tossed = cookie.replace('__Host-', '');
      const other = await fetch(`${secure.url}/trpc/auth.me`, { headers: { Cookie: tossed } });
      expect(other.status).toBe(401);
    } finally {
      await secure.close();
      await secureDb.drop();
    }
  });
});
