import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { captureLogs, type LogLine } from '../__tests__/log-capture.js';
import { connect, startServer, type TestServer } from '../__tests__/server.js';

/** What a browser does: POST a mutation as JSON, with the cookie when it has one. */
async function post(url: string, path: string, input: unknown, headers: Record<string, string>) {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
  return { response, body: (await response.json()) as { result?: { data: unknown } } };
}

/** Opens an SSE stream (token in the query string, as tRPC's link sends it); resolves on sync. */
function openSse(url: string, token: string): Promise<() => void> {
  const input = encodeURIComponent(JSON.stringify({ cursors: {}, resume: true }));
  const params = encodeURIComponent(JSON.stringify({ token }));
  const target = new URL(`${url}/trpc/events.onEvent?input=${input}&connectionParams=${params}`);
  return new Promise((resolve, reject) => {
    const req = request(target, { headers: { Accept: 'text/event-stream' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('"type":"sync"')) resolve(() => req.destroy());
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('logs', () => {
  let db: TestDatabase;
  let server: TestServer;
  const logs = captureLogs('debug');
  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url, { logger: logs.logger, trustProxy: true });
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  it('carry one line per request and stream with its id, route, status, duration and user, and never a password, token, cookie or message body', async () => {
    const password = 'Pw-never-logged-7f3a9c21';
    const body = 'Body-never-logged-c81d44e0';
    const secretTopic = 'Topic-never-logged-5b2e';
    // Sign-up and sign-in over the cookie path, as the web app does.
    const registered = await post(
      server.url,
      'auth.registerWithCookie',
      { username: `logs_${process.pid}`, displayName: 'Logs', password },
      { 'X-Request-Id': 'proxy-given-id-1' },
    );
    expect(registered.response.headers.get('x-request-id')).toBe('proxy-given-id-1');
    const cookie = (registered.response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const cookieValue = cookie.split('=')[1] ?? '';
    expect(cookieValue).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const signedIn = await post(
      server.url,
      'auth.login',
      { username: `logs_${process.pid}`, password },
      {},
    );
    const { token, user } = (signedIn.body.result?.data ?? {}) as {
      token: string;
      user: { id: string };
    };
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { Cookie: cookie } });
    expect(me.status).toBe(200);

    // A WebSocket device and an SSE device (token in the URL) get a message sent over HTTP.
    const client = connect(server.url, token);
    const room = await client.api.room.create.mutate({
      kind: 'private',
      name: 'logged room',
      topic: secretTopic,
    });
    const received = new Promise<string>((resolve) => {
      const sub = client.api.events.onEvent.subscribe(
        { cursors: {}, resume: true },
        {
          onData: ({ data }) => {
            if (data.type === 'message.created') {
              sub.unsubscribe();
              resolve(data.message.body);
            }
          },
        },
      );
    });
    const closeSse = await openSse(server.url, token);
    await client.api.message.send.mutate({ roomId: room.id, clientMsgId: 'logged-1', body });
    expect(await received).toBe(body);
    closeSse();
    client.close();

    const isSend = (l: LogLine) => l.route === '/trpc/message.send';
    const send = await logs.waitFor(isSend);
    const sse = await logs.waitFor((l) => l.route === '/trpc/events.onEvent');
    const ws = await logs.waitFor((l) => l.transport === 'ws' && l.userId === user.id);

    expect(send).toMatchObject({ level: 30, msg: 'request', method: 'POST', status: 200 });
    expect(send.userId).toBe(user.id);
    expect(send.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof send.durationMs).toBe('number');
    expect(sse).toMatchObject({ method: 'GET', status: 200, userId: user.id });
    expect(ws).toMatchObject({ route: '/trpc', closeCode: expect.any(Number) });
    const first = logs.lines().find((l) => l.route === '/trpc/auth.registerWithCookie');
    expect(first).toMatchObject({ reqId: 'proxy-given-id-1', status: 200 });
    // Each HTTP request is one line: the sign-up once, the send once.
    expect(logs.lines().filter(isSend)).toHaveLength(1);

    const everything = logs.raw();
    for (const secret of [password, token, cookieValue, body, secretTopic])
      expect(everything).not.toContain(secret);
    expect(everything).not.toContain('connectionParams');
  });

  it('leave /metrics unserved on the public port when no token is configured', async () => {
    const answer = await fetch(`${server.url}/metrics`, {
      headers: { Authorization: 'Bearer anything-at-all-here' },
    });
    expect(answer.status).toBe(404);
  });

  it('leave /metrics unserved without a token when the web app is served too (not its page)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-web-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    const otherDb = sqliteDatabase();
    const withApp = await startServer(otherDb.url, { staticDir: dir });
    try {
      const answer = await fetch(`${withApp.url}/metrics`);
      expect(answer.status).toBe(404);
      expect(await answer.text()).not.toContain('<title>app</title>');
    } finally {
      await withApp.close();
      await otherDb.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
