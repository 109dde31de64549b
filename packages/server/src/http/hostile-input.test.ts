import { describe, expect, it } from 'vitest';
import { errorOf, rawRequest } from '../__tests__/raw.js';
import { serverForSuite, signUp } from '../__tests__/server.js';
import { openRawSocket } from '../__tests__/ws-raw.js';

/** Cookie values that are not valid percent-encoding (decodeURIComponent throws on each). */
const BROKEN_COOKIES = ['%', '%zz', '%ED%A0%80', '%E0%A4%A'];

const json = { 'Content-Type': 'application/json' };

describe('hostile input never takes the server down (finding 1)', () => {
  const server = serverForSuite();

  /** A cookie session, as the web app opens one. */
  async function cookieSession(name: string): Promise<string> {
    const answer = await rawRequest(server.url, {
      method: 'POST',
      path: '/trpc/auth.registerWithCookie',
      headers: json,
      body: JSON.stringify({
        username: name,
        displayName: name,
        password: 'correct horse battery',
      }),
    });
    expect(answer.status).toBe(200);
    const setCookie = String(answer.headers['set-cookie']);
    return setCookie.split(';')[0] ?? '';
  }

  it.each(BROKEN_COOKIES)(
    'a WebSocket upgrade with Cookie: confab_session=%s is served as unauthenticated, and live devices keep receiving',
    async (value) => {
      const alice = await signUp(server.url, 'alice');
      const room = await alice.api.room.create.mutate({ kind: 'public', name: `cookie ${value}` });
      const listener = await openRawSocket(server.url, { Authorization: `Bearer ${alice.token}` });
      const started = listener.call(1, 'subscription', 'events.onEvent', {
        cursors: { [room.id]: 0 },
        resume: true,
      });
      expect((await started).result?.type).toBe('started');

      const hostile = await openRawSocket(server.url, { Cookie: `confab_session=${value}` });
      const me = await hostile.call(1, 'query', 'auth.me');
      expect(me.error?.data?.appCode).toBe('UNAUTHENTICATED');
      hostile.close();

      // The process is still up, and a device that was connected before still gets messages.
      await alice.api.message.send.mutate({
        roomId: room.id,
        clientMsgId: 'after',
        body: 'still here',
      });
      for (;;) {
        const frame = await listener.next(1);
        const data = (
          frame.result?.data as { data?: { type?: string; message?: { body?: string } } }
        )?.data;
        if (data?.type === 'message.created') {
          expect(data.message?.body).toBe('still here');
          break;
        }
      }
      listener.close();
      alice.close();
    },
  );

  it.each(BROKEN_COOKIES)(
    'an HTTP request with Cookie: confab_session=%s is answered (login still works)',
    async (value) => {
      const name = `broken_${BROKEN_COOKIES.indexOf(value)}`;
      await cookieSession(name);
      const login = await rawRequest(server.url, {
        method: 'POST',
        path: '/trpc/auth.loginWithCookie',
        headers: { ...json, Cookie: `confab_session=${value}` },
        body: JSON.stringify({ username: name, password: 'correct horse battery' }),
      });
      expect(login.status).toBe(200);
      const me = await rawRequest(server.url, {
        path: '/trpc/auth.me',
        headers: { Cookie: `confab_session=${value}` },
      });
      expect(me.status).toBe(401);
      expect(errorOf(me).appCode).toBe('UNAUTHENTICATED');
      expect((await rawRequest(server.url, { path: '/healthz' })).status).toBe(200);
    },
  );

  it('a same-site multipart POST cannot log a user out: mutations take JSON only (415), and the session lives on', async () => {
    const cookie = await cookieSession('multipart_victim');
    const boundary = 'xyz';
    const logout = await rawRequest(server.url, {
      method: 'POST',
      path: '/trpc/auth.logout',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, Cookie: cookie },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--${boundary}--\r\n`,
    });
    expect(logout.status).toBe(415);
    expect(errorOf(logout)).toEqual({
      appCode: 'VALIDATION',
      message: 'Mutations take a JSON body (Content-Type: application/json)',
    });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const answer = await rawRequest(server.url, {
        method: 'POST',
        path: '/trpc/auth.logout',
        headers: { 'Content-Type': contentType, Cookie: cookie },
        body: '{}',
      });
      expect(answer.status).toBe(415);
    }
    const me = await rawRequest(server.url, { path: '/trpc/auth.me', headers: { Cookie: cookie } });
    expect(me.status).toBe(200);
  });

  it('upgrades that are not WebSocket handshakes, or to other paths, are refused one by one', async () => {
    const wrongPath = await rawRequest(server.url, {
      path: '/elsewhere',
      headers: { Connection: 'Upgrade', Upgrade: 'websocket' },
    });
    expect(wrongPath.status).toBe(404);
    const noKey = await rawRequest(server.url, {
      path: '/trpc',
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13' },
    });
    expect(noKey.status).toBe(400);
    expect((await rawRequest(server.url, { path: '/healthz' })).status).toBe(200);
  });
});
