import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startNginx, type TestNginx } from '../__tests__/nginx.js';

/** Listens on a free loopback port; returns `host:port`. */
async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `127.0.0.1:${address.port}`;
}

/** A node that dies with every request it receives: it reads the request head, then resets. */
async function dyingNode() {
  const received: string[] = [];
  const server = createTcpServer((socket) => {
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      received.push(/^x-request-id: (\S+)/im.exec(head)?.[1] ?? '?');
      socket.resetAndDestroy();
    });
    socket.on('error', () => {});
  });
  return { upstream: await listen(server), received, close: () => server.close() };
}

/** A healthy node: answers 200 and records what reached it. */
async function healthyNode() {
  const received: { id: string; req: IncomingMessage; bodyBytes: number }[] = [];
  // Request heads as large as the real server reads (server.ts), so nginx's limit is the test's.
  const server = createHttpServer({ maxHeaderSize: 128 * 1024 }, (req, res) => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
    });
    req.on('end', () => {
      received.push({ id: String(req.headers['x-request-id']), req, bodyBytes });
      res.setHeader('Content-Type', 'application/json');
      res.end('{"ok":true}');
    });
  });
  return { upstream: await listen(server), received, close: () => server.close() };
}

/**
 * Properties of deploy/nginx.conf itself, checked on the real nginx in front of stand-in nodes
 * whose behaviour each case controls.
 */
describe('deploy/nginx.conf', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp() {
    const dying = await dyingNode();
    const healthy = await healthyNode();
    cleanups.push(dying.close, healthy.close);
    const nginx: TestNginx = await startNginx({ upstreams: [dying.upstream, healthy.upstream] });
    cleanups.push(() => nginx.stop());
    return { dying, healthy, nginx };
  }

  it('a POST that reached a node which then died is answered 502 and never resent to another node', async () => {
    const { dying, healthy, nginx } = await setUp();
    // nginx alternates between the two: within a few requests one reaches the dying node.
    for (let i = 0; i < 10 && dying.received.length === 0; i++) {
      const id = `post-${i}`;
      const response = await fetch(`${nginx.url}/trpc/message.send`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Request-Id': id },
        body: '{"roomId":"r","clientMsgId":"c","body":"b"}',
      });
      await response.arrayBuffer();
      if (dying.received.includes(id)) expect(response.status).toBe(502);
      else expect(response.status).toBe(200);
    }
    expect(dying.received).toHaveLength(1);
    // The send the dying node took was not sent again: the node might have committed it.
    const ids = healthy.received.map((r) => r.id);
    expect(ids).not.toContain(dying.received[0]);
  });

  it('a GET that reached a node which then died is resent to another node and answered', async () => {
    const { dying, healthy, nginx } = await setUp();
    for (let i = 0; i < 10 && dying.received.length === 0; i++) {
      const id = `get-${i}`;
      const response = await fetch(`${nginx.url}/trpc/room.mine`, {
        headers: { 'X-Request-Id': id },
      });
      expect(await response.json()).toEqual({ ok: true });
    }
    expect(dying.received).toHaveLength(1);
    // A query is a read: asking another node is safe, and the client never saw the failure.
    expect(healthy.received.map((r) => r.id)).toContain(dying.received[0]);
  });

  it('takes bodies up to the server limit (64 KiB), long URLs (cursors), and names the client in X-Forwarded-For', async () => {
    const healthy = await healthyNode();
    cleanups.push(healthy.close);
    const nginx = await startNginx({ upstreams: [healthy.upstream] });
    cleanups.push(() => nginx.stop());
    const post = (bytes: number, id: string) =>
      fetch(`${nginx.url}/trpc/message.send`, {
        method: 'POST',
        headers: { 'X-Request-Id': id, 'X-Forwarded-For': '203.0.113.9' },
        body: 'x'.repeat(bytes),
      });
    expect((await post(64 * 1024, 'fits')).status).toBe(200);
    expect((await post(64 * 1024 + 1, 'too-large')).status).toBe(413);
    // The SDK batches queries into URLs of up to 60,000 characters.
    const long = await fetch(`${nginx.url}/trpc/events.poll?input=${'a'.repeat(60_000)}`, {
      headers: { 'X-Request-Id': 'long-url' },
    });
    expect(long.status).toBe(200);

    const fits = healthy.received.find((r) => r.id === 'fits');
    expect(fits?.bodyBytes).toBe(64 * 1024);
    expect(healthy.received.map((r) => r.id)).not.toContain('too-large');
    // A forged hop stays first; the last one is the address nginx saw, which TRUST_PROXY reads.
    expect(fits?.req.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    // The node sees nginx's address as its own origin (same-origin checks compare with Host).
    expect(fits?.req.headers.host).toBe(`127.0.0.1:${nginx.port}`);
  });
});
