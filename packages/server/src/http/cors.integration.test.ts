import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { rawRequest } from '../__tests__/raw.js';
import { startServer, type TestServer } from '../__tests__/server.js';
import { createCors } from './cors.js';

const APP = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

/** A browser's preflight before a POST with a bearer token and a JSON body. */
const preflight = (url: string, origin: string, path = '/trpc/message.send') =>
  rawRequest(url, {
    method: 'OPTIONS',
    path,
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization, content-type',
    },
  });

async function register(url: string, username: string, headers: Record<string, string> = {}) {
  const answer = await rawRequest(url, {
    method: 'POST',
    path: '/trpc/auth.registerWithCookie',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ username, displayName: username, password: 'correct horse battery' }),
  });
  const setCookie = answer.headers['set-cookie'];
  return { answer, cookie: (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] };
}

describe('CORS for the API', { timeout: 60_000 }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let off: TestServer;

  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url, { corsOrigins: [APP] });
    off = await startServer(db.url);
  });
  afterAll(async () => {
    await server?.close();
    await off?.close();
    await db?.drop();
  });

  it('answers the preflight of an allowed origin with what tRPC needs, and no credentials', async () => {
    const answer = await preflight(server.url, APP);
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
    expect(answer.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(answer.headers['access-control-allow-headers']).toBe(
      'authorization, content-type, last-event-id',
    );
    expect(answer.headers.vary).toBe('Origin');
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    // The batch and the SSE stream's paths too.
    for (const path of ['/trpc/room.mine,auth.me?batch=1', '/trpc/events.onEvent'])
      expect((await preflight(server.url, APP, path)).status).toBe(204);
  });

  it('refuses the preflight of any other origin, and CORS is off without a list', async () => {
    for (const [url, origin] of [
      [server.url, OTHER],
      [off.url, APP],
    ] as const) {
      const answer = await preflight(url, origin);
      expect(answer.status).toBe(405);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.headers['access-control-allow-methods']).toBeUndefined();
    }
    expect((await preflight(server.url, OTHER)).headers.vary).toBe('Origin');
    expect((await preflight(off.url, APP)).headers.vary).toBeUndefined();
  });

  it('a bearer-token call from the allowed origin is answered with its headers; others are not', async () => {
    const anonymous = await rawRequest(server.url, { path: '/trpc/auth.me', headers: {} });
    expect(anonymous.headers['access-control-allow-origin']).toBeUndefined();
    const { answer } = await register(server.url, 'cors_token');
    const login = await rawRequest(server.url, {
      method: 'POST',
      path: '/trpc/auth.login',
      headers: { 'Content-Type': 'application/json', Origin: APP },
      body: JSON.stringify({ username: 'cors_token', password: 'correct horse battery' }),
    });
    expect(answer.status).toBe(200);
    expect(login.headers['access-control-allow-origin']).toBe(APP);
    expect(login.headers['access-control-allow-credentials']).toBeUndefined();
    const { token } = (JSON.parse(login.body) as { result: { data: { token: string } } }).result
      .data;
    const me = await rawRequest(server.url, {
      path: '/trpc/auth.me',
      headers: { Origin: APP, Authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(200);
    expect(me.headers['access-control-allow-origin']).toBe(APP);
    expect(me.headers.vary).toContain('Origin');
    const fromOther = await rawRequest(server.url, {
      path: '/trpc/auth.me',
      headers: { Origin: OTHER, Authorization: `Bearer ${token}` },
    });
    expect(fromOther.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a cookie sent from the allowed CORS origin is still not a session', async () => {
    const { cookie } = await register(server.url, 'cors_cookie');
    expect(cookie).toMatch(/^confab_session=/);
    const sameOrigin = await rawRequest(server.url, {
      path: '/trpc/auth.me',
      headers: { Cookie: cookie ?? '' },
    });
    expect(sameOrigin.status).toBe(200);
    const crossOrigin = await rawRequest(server.url, {
      path: '/trpc/auth.me',
      headers: { Cookie: cookie ?? '', Origin: APP },
    });
    expect(crossOrigin.status).toBe(401);
    expect(JSON.parse(crossOrigin.body).error.data.appCode).toBe('UNAUTHENTICATED');
    // Nor may that page open a cookie session.
    const { answer } = await register(server.url, 'cors_cookie2', { Origin: APP });
    expect(JSON.parse(answer.body).error.data.appCode).toBe('FORBIDDEN');
  });

  it('refuses origins that are not scheme://host[:port]', () => {
    expect(() => createCors(['https://app.example.com/path'])).toThrow('scheme://host[:port]');
    expect(() => createCors(['not a url'])).toThrow();
  });
});
