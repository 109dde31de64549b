import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { captureLogs, type LogLine } from '../__tests__/log-capture.js';
import { rawRequest } from '../__tests__/raw.js';
import { signUp } from '../__tests__/server.js';
import { openRawSocket } from '../__tests__/ws-raw.js';
import { createStoreFromUrl } from '../adapters/kysely/store.js';
import { createMemoryBus } from '../adapters/memory-bus.js';
import { type ChatServer, createChatServer } from '../http/server.js';
import type { Store } from '../ports/store.js';
import { unreachableRateRules } from '../services/abuse-limits.js';

/** What the failing store says: it must reach the log (with its stack) and never a client. */
const FAILURE = 'disk unreadable at sector 0x5EC2E7';

describe('an internal error', () => {
  let db: TestDatabase;
  let server: ChatServer;
  let url: string;
  const logs = captureLogs('info');
  const failing = { append: false, streams: false };
  beforeAll(async () => {
    db = sqliteDatabase();
    const real = await createStoreFromUrl(db.url);
    // The real store, with two of its operations failing on demand.
    const store: Store = {
      ...real,
      appendMessage: (message) =>
        failing.append ? Promise.reject(new Error(FAILURE)) : real.appendMessage(message),
      roomSeqsOf: (userId) =>
        failing.streams ? Promise.reject(new Error(FAILURE)) : real.roomSeqsOf(userId),
    };
    server = createChatServer({
      store,
      bus: createMemoryBus(),
      config: { rateLimits: unreachableRateRules(), logger: logs.logger },
    });
    url = await server.listen(0);
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  const errors = () => logs.lines().filter((l) => l.level === 50);

  it('is answered INTERNAL_SERVER_ERROR without details on every path, and logged once each with its stack', async () => {
    const alice = await signUp(url, 'alice');
    const room = await alice.api.room.create.mutate({ kind: 'private', name: 'failing' });
    const input = { roomId: room.id, clientMsgId: 'm-1', body: 'hello' };
    const auth = { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json' };
    failing.append = true;

    // 1. HTTP, the fast path (rpc-handler.ts).
    const fast = await rawRequest(url, {
      method: 'POST',
      path: '/trpc/message.send',
      headers: auth,
      body: JSON.stringify(input),
    });
    // 2. HTTP through tRPC's own handler (a streaming batch is not the fast path's).
    const viaTrpc = await rawRequest(url, {
      method: 'POST',
      path: '/trpc/message.send?batch=1',
      headers: { ...auth, 'trpc-accept': 'application/jsonl' },
      body: JSON.stringify({ 0: { ...input, clientMsgId: 'm-2' } }),
    });
    // 3. WebSocket.
    const socket = await openRawSocket(url, { Authorization: `Bearer ${alice.token}` });
    const wsReply = await socket.call(1, 'mutation', 'message.send', {
      ...input,
      clientMsgId: 'm-3',
    });
    socket.ws.close();
    const wsError = wsReply.error;
    // 4. An SSE stream whose start reads the store.
    failing.streams = true;
    const streamInput = encodeURIComponent(JSON.stringify({ cursors: {}, resume: true }));
    const sse = await rawRequest(url, {
      path: `/trpc/events.onEvent?input=${streamInput}`,
      headers: { Authorization: `Bearer ${alice.token}`, Accept: 'text/event-stream' },
    });
    failing.append = false;
    failing.streams = false;

    expect(fast.status).toBe(500);
    expect(JSON.parse(fast.body)).toMatchObject({
      error: { message: 'Internal server error', data: { code: 'INTERNAL_SERVER_ERROR' } },
    });
    expect(viaTrpc.body).toContain('Internal server error');
    expect(viaTrpc.body).toContain('INTERNAL_SERVER_ERROR');
    expect(wsError).toMatchObject({
      message: 'Internal server error',
      data: { appCode: 'INTERNAL' },
    });
    expect(sse.body).toContain('event: serialized-error');
    expect(sse.body).toContain('Internal server error');
    for (const answer of [fast.body, viaTrpc.body, JSON.stringify(wsError), sse.body]) {
      expect(answer).not.toContain(FAILURE);
      expect(answer).not.toContain('.ts:');
    }

    // Exactly one line per failure, each with the store's error and its stack.
    const lines = errors();
    expect(lines.map((l) => l.where)).toEqual([
      'http call message.send',
      'http message.send',
      'websocket mutation message.send',
      'sse stream',
    ]);
    for (const line of lines) {
      const err = line.err as { type: string; message: string; stack: string };
      expect(err).toMatchObject({ type: 'Error', message: FAILURE });
      expect(err.stack).toContain('internal-errors.test.ts');
    }
  });

  it('is not how refusals are logged: a validation error or a bad token writes no error line', async () => {
    const before = errors().length;
    const refused = await rawRequest(url, {
      method: 'POST',
      path: '/trpc/message.send',
      headers: { Authorization: 'Bearer not-a-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({ roomId: 'x', clientMsgId: '', body: '' }),
    });
    expect(refused.status).toBe(401);
    const invalid = await rawRequest(url, {
      method: 'POST',
      path: '/trpc/auth.login',
      headers: { 'Content-Type': 'application/json' },
      body: '{"username":',
    });
    expect(invalid.status).toBe(400);
    const line = await logs.waitFor((l: LogLine) => l.route === '/trpc/auth.login');
    expect(line.status).toBe(400);
    expect(errors()).toHaveLength(before);
  });
});
