import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LIMITS } from '@confab/contracts';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import { appRouter } from '../routers/root.js';

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

/**
 * Confab answers plain queries and mutations itself (rpc-handler.ts). Each request here goes
 * to Confab and to tRPC's own HTTP handler over the same services: the answers must be the same
 * bytes of meaning (status, content type, JSON), for successes, errors and batches.
 */
describe('queries and mutations over HTTP: Confab answers as tRPC does', () => {
  let db: TestDatabase;
  let server: TestServer;
  let reference: Server;
  let referenceUrl: string;
  let token: string;
  let roomId: string;

  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url);
    const services = server.server.services;
    reference = createServer(
      createHTTPHandler({
        router: appRouter,
        basePath: '/trpc/',
        maxBodySize: LIMITS.maxPayloadBytes,
        maxBatchSize: LIMITS.httpBatchMax,
        createContext: ({ req }) => ({
          services,
          token: req.headers.authorization?.slice('Bearer '.length),
          setSessionCookie: undefined,
          cookieOriginAllowed: true,
          apiKey: undefined,
          transport: 'http' as const,
          backpressure: undefined,
          address: req.socket.remoteAddress ?? 'unknown',
        }),
      }),
    );
    await new Promise<void>((resolve) => reference.listen(0, '127.0.0.1', resolve));
    referenceUrl = `http://127.0.0.1:${(reference.address() as AddressInfo).port}`;
    const ann = await signUp(server.url, 'ann');
    token = ann.token;
    roomId = (await ann.api.room.create.mutate({ kind: 'private', name: 'diff' })).id;
    ann.close();
  });
  afterAll(async () => {
    await new Promise((resolve) => reference?.close(resolve));
    await server?.close();
    await db?.drop();
  });

  async function ask(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
    const response = await fetch(`${base}/trpc/${path}`, init);
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: JSON.parse(text),
    };
  }
  const both = async (path: string, init: RequestInit = {}) => {
    const confab = await ask(server.url, path, init);
    const trpc = await ask(referenceUrl, path, init);
    return { confab, trpc };
  };
  const authed = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    ...extra,
  });
  const json = { 'content-type': 'application/json' };
  const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

  it.each([
    ['a query', 200, () => ['auth.me', { headers: authed() }] as const],
    ['a query without a session (401)', 401, () => ['auth.me', {}] as const],
    [
      'a query with input',
      200,
      () =>
        [`message.history?input=${input({ roomId, limit: 5 })}`, { headers: authed() }] as const,
    ],
    [
      'a query with invalid input (400)',
      400,
      () =>
        [`message.history?input=${input({ roomId, limit: -1 })}`, { headers: authed() }] as const,
    ],
    [
      'a query on a room one is not in (404)',
      404,
      () =>
        [
          `message.history?input=${input({ roomId: 'nope', limit: 5 })}`,
          { headers: authed() },
        ] as const,
    ],
    [
      'a repeated send (the same message back)',
      200,
      () =>
        [
          'message.send',
          {
            method: 'POST',
            headers: authed(json),
            body: JSON.stringify({ roomId, clientMsgId: 'diff-1', body: 'same twice' }),
          },
        ] as const,
    ],
    [
      'a batch of two queries',
      200,
      () =>
        [
          `auth.me,room.mine?batch=1&input=${input({ 0: undefined, 1: {} })}`,
          { headers: authed() },
        ] as const,
    ],
    [
      'a batch whose calls fail differently (207)',
      207,
      () =>
        [
          'message.send,message.send?batch=1',
          {
            method: 'POST',
            headers: authed(json),
            body: JSON.stringify({
              0: { roomId, clientMsgId: 'diff-2', body: 'fine' },
              1: { roomId, clientMsgId: 'diff-3', body: '' },
            }),
          },
        ] as const,
    ],
    [
      'a body that is not JSON (400)',
      400,
      () =>
        ['message.send', { method: 'POST', headers: authed(json), body: '{"roomId":' }] as const,
    ],
    ['an unknown procedure (404, by tRPC)', 404, () => ['no.such', { headers: authed() }] as const],
    [
      'a mutation over GET (405, by tRPC)',
      405,
      () => ['message.send', { headers: authed() }] as const,
    ],
  ])('%s', async (_name, expectedStatus, request) => {
    const [path, init] = request();
    // The send is made once first, so that both then answer "already sent" with one message.
    const body = 'body' in init ? String(init.body) : '';
    if (path === 'message.send' && body.includes('diff-1')) await ask(server.url, path, init);
    if (path.startsWith('message.send,message.send'))
      await ask(server.url, 'message.send', {
        ...init,
        body: JSON.stringify({ roomId, clientMsgId: 'diff-2', body: 'fine' }),
      });
    const { confab, trpc } = await both(path, init);
    expect(confab.status).toBe(expectedStatus);
    expect(confab).toEqual(trpc);
  });

  it('a batch over LIMITS.httpBatchMax is refused whole, as tRPC does, saying the limit', async () => {
    const paths = Array.from({ length: LIMITS.httpBatchMax + 1 }, () => 'room.mine').join(',');
    const { confab, trpc } = await both(`${paths}?batch=1&input=${input({})}`, {
      headers: authed(),
    });
    type Refusal = { error: { data: unknown; message: string } };
    const [ours, theirs] = [confab.body as Refusal, trpc.body as Refusal];
    expect(confab.status).toBe(400);
    expect(ours.error.data).toEqual(theirs.error.data);
    expect(ours.error.message).toBe(
      `A batch may carry at most ${LIMITS.httpBatchMax} calls (this one has ${LIMITS.httpBatchMax + 1})`,
    );
  });

  it('an oversized body without a declared length is refused with 413 as tRPC does', async () => {
    const huge = JSON.stringify({
      roomId,
      clientMsgId: 'big',
      body: 'x'.repeat(LIMITS.maxPayloadBytes),
    });
    const stream = () =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(huge));
          controller.close();
        },
      });
    const init = () =>
      ({ method: 'POST', headers: authed(json), body: stream(), duplex: 'half' }) as RequestInit;
    const confab = await ask(server.url, 'message.send', init());
    const trpc = await ask(referenceUrl, 'message.send', init());
    expect(confab.status).toBe(413);
    expect(confab).toEqual(trpc);
  });
});
