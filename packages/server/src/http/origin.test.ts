import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { errorOf, rawRequest } from '../__tests__/raw.js';
import { startServer, type TestServer } from '../__tests__/server.js';
import { openRawSocket } from '../__tests__/ws-raw.js';

const json = { 'Content-Type': 'application/json' };

/**
 * Finding 6: the session cookie is SameSite=Lax, so a page on a same-site origin (another
 * port, a sibling subdomain) gets it sent along. Only the server's own origin and the
 * allowlist may act with it.
 */
describe('cross-origin use of the session cookie', () => {
  let db: TestDatabase;
  let server: TestServer;
  let cookie: string;
  let own: string;
  let roomId: string;
  const allowed = 'https://app.example.com';

  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url, { allowedOrigins: [allowed] });
    own = server.url;
    const answer = await rawRequest(server.url, {
      method: 'POST',
      path: '/trpc/auth.registerWithCookie',
      headers: { ...json, Origin: own },
      body: JSON.stringify({
        username: 'victim',
        displayName: 'V',
        password: 'correct horse battery',
      }),
    });
    expect(answer.status).toBe(200);
    cookie = String(answer.headers['set-cookie']).split(';')[0] ?? '';
    const room = await rawRequest(server.url, {
      method: 'POST',
      path: '/trpc/room.create',
      headers: { ...json, Cookie: cookie, Origin: own },
      body: JSON.stringify({ kind: 'private', name: 'secrets' }),
    });
    roomId = (JSON.parse(room.body) as { result: { data: { id: string } } }).result.data.id;
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  const foreign = ['http://127.0.0.1:1', 'http://evil.example', 'null', 'not a url'];

  it.each(foreign)(
    'a WebSocket from Origin %s rides no cookie: reads and sends are UNAUTHENTICATED',
    async (origin) => {
      const socket = await openRawSocket(server.url, { Cookie: cookie, Origin: origin });
      expect((await socket.call(1, 'query', 'room.mine')).error?.data?.appCode).toBe(
        'UNAUTHENTICATED',
      );
      const sent = await socket.call(2, 'mutation', 'message.send', {
        roomId,
        clientMsgId: 'hijack',
        body: 'posted as the victim',
      });
      expect(sent.error?.data?.appCode).toBe('UNAUTHENTICATED');
      const stream = await socket.call(3, 'subscription', 'events.onEvent', {
        cursors: {},
        resume: false,
      });
      expect(stream.error?.data?.appCode).toBe('UNAUTHENTICATED');
      socket.close();
      const history = await rawRequest(server.url, {
        path: `/trpc/message.history?input=${encodeURIComponent(JSON.stringify({ roomId }))}`,
        headers: { Cookie: cookie },
      });
      expect(JSON.parse(history.body).result.data.messages).toEqual([]);
    },
  );

  it('the own origin and the allowlist use the cookie over WebSocket', async () => {
    for (const origin of [own, allowed]) {
      const socket = await openRawSocket(server.url, { Cookie: cookie, Origin: origin });
      const mine = await socket.call(1, 'query', 'room.mine');
      const rooms = (mine.result?.data ?? []) as { room: { id: string } }[];
      expect(rooms.map((r) => r.room.id)).toContain(roomId);
      socket.close();
    }
  });

  it('over HTTP a foreign page is served without the cookie, and cannot open a cookie session', async () => {
    const read = await rawRequest(server.url, {
      path: '/trpc/room.mine',
      headers: { Cookie: cookie, Origin: 'http://127.0.0.1:1' },
    });
    expect(errorOf(read).appCode).toBe('UNAUTHENTICATED');
    // A browser's no-cors GET carries no Origin, but says where it came from.
    const noCors = await rawRequest(server.url, {
      path: '/trpc/room.mine',
      headers: { Cookie: cookie, 'Sec-Fetch-Site': 'same-site' },
    });
    expect(errorOf(noCors).appCode).toBe('UNAUTHENTICATED');
    const login = await rawRequest(server.url, {
      method: 'POST',
      path: '/trpc/auth.loginWithCookie',
      headers: { ...json, Origin: 'http://127.0.0.1:1' },
      body: JSON.stringify({ username: 'victim', password: 'correct horse battery' }),
    });
    expect(login.status).toBe(403);
    expect(errorOf(login)).toEqual({
      appCode: 'FORBIDDEN',
      message: 'This origin may not use the session cookie',
    });
    expect(login.headers['set-cookie']).toBeUndefined();
    // A bearer token still works from anywhere: it is not ambient.
    const sse = await rawRequest(server.url, {
      path: `/trpc/events.onEvent?input=${encodeURIComponent(JSON.stringify({ cursors: {}, resume: false }))}`,
      headers: { Cookie: cookie, Origin: 'http://evil.example', Accept: 'text/event-stream' },
    });
    expect(sse.body).toContain('UNAUTHENTICATED');
  });

  it('same-origin requests (Origin matches Host, or no Origin from a non-browser) use the cookie', async () => {
    const host = new URL(own).host;
    const cases: Record<string, string>[] = [
      { Origin: own, Host: host },
      {},
      { 'Sec-Fetch-Site': 'same-origin' },
    ];
    for (const headers of cases) {
      const read = await rawRequest(server.url, {
        path: '/trpc/room.mine',
        headers: { Cookie: cookie, ...headers },
      });
      expect(read.status).toBe(200);
    }
  });
});
