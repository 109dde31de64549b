import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect, createServer as createTcpServer, type Server, type Socket } from 'node:net';
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
 * A node that holds every request open (a stream, as far as nginx can tell) and tells when one
 * arrives and when nginx lets one go.
 */
async function holdingNode() {
  const held: { client: string; closed: Promise<void> }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createHttpServer((req) => {
    held.push({
      client: String(req.headers['x-test-client']),
      closed: once(req.socket, 'close').then(() => {}),
    });
    for (const waiter of waiters.filter((w) => held.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const upstream = await listen(server);
  return {
    upstream,
    held,
    /** Resolves once `count` requests have reached this node. */
    received(count: number): Promise<void> {
      if (held.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The header through which the test tells nginx which client a connection is (realip). */
const CLIENT_HEADER = 'X-Test-Client';

/**
 * One request on a connection of its own, as `client`; resolves with nginx's status line when it
 * answers (a held request never does).
 */
function requestAs(port: number, client: string): { socket: Socket; status: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(
    `GET /trpc/events.poll HTTP/1.1\r\nHost: confab\r\n${CLIENT_HEADER}: ${client}\r\n\r\n`,
  );
  const status = new Promise<string>((resolve) => {
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n');
      if (end >= 0) resolve(head.slice(0, end));
    });
  });
  return { socket, status };
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

  it('caps open connections per client at 256: an IPv4 address, or an IPv6 /64 whatever its addresses', async () => {
    const node = await holdingNode();
    cleanups.push(node.close);
    const nginx = await startNginx({
      upstreams: [node.upstream],
      clientAddressHeader: CLIENT_HEADER,
    });
    cleanups.push(() => nginx.stop());
    const sockets: Socket[] = [];
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
    });
    const open = (client: string) => {
      const request = requestAs(nginx.port, client);
      sockets.push(request.socket);
      return request;
    };
    /** nginx's answer to one more request from `client`, or that it went on to the node. */
    const answerTo = (client: string) => {
      const reached = node.received(node.held.length + 1).then(() => 'passed on to the node');
      return Promise.race([open(client).status, reached]);
    };

    // 256 streams from one IPv6 /64, each from an address of its own.
    for (let i = 1; i <= 256; i++) open(`2001:db8:1:2::${i.toString(16)}`);
    await node.received(256);
    // Another address of that /64 is the same client: refused, never reaching a node.
    expect(await answerTo('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(
      'HTTP/1.1 429 Too Many Requests',
    );
    // The neighbouring /64 and an IPv4 client are others.
    open('2001:db8:1:3::1');
    open('198.51.100.1');
    await node.received(258);

    // An IPv4 address is a client of its own: 255 more make 256, the next is refused...
    for (let i = 0; i < 255; i++) open('198.51.100.1');
    await node.received(513);
    expect(await answerTo('198.51.100.1')).toBe('HTTP/1.1 429 Too Many Requests');
    // ...and its neighbour is not.
    open('198.51.100.2');
    await node.received(514);

    // A client that closes a stream may open another.
    const first = sockets[0];
    const firstHeld = node.held.find((h) => h.client === '2001:db8:1:2::1');
    if (!first || !firstHeld) throw new Error('the first stream never reached the node');
    first.destroy();
    // nginx lets the node's connection go when it ends the request, after freeing its slot.
    await firstHeld.closed;
    open('2001:db8:1:2::abcd');
    await node.received(515);
    expect(node.held.map((h) => h.client).at(-1)).toBe('2001:db8:1:2::abcd');
    // Exactly the accepted ones reached the node: 257 of the first /64 over the test (one
    // closed), 1 of the next, 256 + 1 IPv4.
    const count = (of: (client: string) => boolean) => node.held.filter((h) => of(h.client)).length;
    expect([
      count((c) => c.startsWith('2001:db8:1:2:')),
      count((c) => c.startsWith('2001:db8:1:3:')),
      count((c) => c === '198.51.100.1'),
      count((c) => c === '198.51.100.2'),
    ]).toEqual([257, 1, 256, 1]);
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
