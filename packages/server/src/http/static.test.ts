import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setApiSecurityHeaders } from './security-headers.js';
import { createStaticHandler } from './static.js';

const INDEX = '<!doctype html><title>Confab</title><div id="root"></div>';
const SCRIPT = 'console.log(1);';

/** The headers every file of the web app is served with, over plain HTTP. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
    "img-src 'self' data: blob:; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
    "form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
const HSTS = { 'strict-transport-security': 'max-age=31536000; includeSubDomains' };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'confab-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), SCRIPT);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ETag the handler gives a file it sends as it is: its size and mtime. */
function plainTag(path: string): string {
  const info = statSync(join(dir, path));
  return `"${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}"`;
}

/** A real HTTP server on a loopback port around one request handler. */
async function serve(handler: Parameters<typeof createServer>[1]) {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Status and every header but the ones Node adds to any response. */
async function get(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  const headers = Object.fromEntries(
    [...response.headers].filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)),
  );
  return { status: response.status, headers, body: await response.text() };
}

describe.each([
  { secure: false, extra: {} },
  { secure: true, extra: HSTS },
])('the web app served with secure: $secure', ({ secure, extra }) => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const handler = createStaticHandler(dir, { secure });
    server = await serve((req, res) => void handler(req, res));
  });
  afterAll(() => server.close());

  it('sends index.html with the page headers, for / and for any client-side route', async () => {
    for (const path of ['/', '/rooms/abc']) {
      expect(await get(`${server.base}${path}`)).toEqual({
        status: 200,
        headers: {
          ...PAGE_HEADERS,
          ...extra,
          'content-type': 'text/html; charset=utf-8',
          'content-length': String(INDEX.length),
          'cache-control': 'no-cache',
          etag: plainTag('index.html'),
        },
        body: INDEX,
      });
    }
  });

  it('sends hashed assets with the page headers, cached for a year', async () => {
    expect(await get(`${server.base}/assets/index-abc123.js`)).toEqual({
      status: 200,
      headers: {
        ...PAGE_HEADERS,
        ...extra,
        'content-type': 'text/javascript; charset=utf-8',
        'content-length': String(SCRIPT.length),
        'cache-control': 'public, max-age=31536000, immutable',
        etag: plainTag('assets/index-abc123.js'),
      },
      body: SCRIPT,
    });
  });

  it('refuses other methods and malformed URLs with the page headers too', async () => {
    expect(await get(`${server.base}/`, { method: 'POST' })).toEqual({
      status: 405,
      headers: { ...PAGE_HEADERS, ...extra, allow: 'GET, HEAD', 'transfer-encoding': 'chunked' },
      body: '',
    });
    // Regression: a lone %-escape made decodeURIComponent throw, which became a 500.
    expect(await get(`${server.base}/%E0%A4%A`)).toEqual({
      status: 400,
      headers: {
        ...PAGE_HEADERS,
        ...extra,
        'content-type': 'text/plain',
        'transfer-encoding': 'chunked',
      },
      body: 'Malformed URL',
    });
  });
});

describe('files read once a second', () => {
  it('serve a page from memory until the next read, which sees what a deploy changed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'confab-static-deploy-'));
    writeFileSync(join(root, 'index.html'), INDEX);
    let now = 0;
    const handler = createStaticHandler(root, { files: { ttlMs: 1000, now: () => now } });
    const server = await serve((req, res) => void handler(req, res));
    try {
      expect(await get(`${server.base}/`)).toMatchObject({ status: 200, body: INDEX });
      // Gone from disk: the page read a moment ago is still what / and every route get.
      rmSync(join(root, 'index.html'));
      now = 999;
      expect(await get(`${server.base}/`)).toMatchObject({ status: 200, body: INDEX });
      expect(await get(`${server.base}/rooms/abc`)).toMatchObject({ status: 200, body: INDEX });
      now = 1000;
      expect(await get(`${server.base}/`)).toMatchObject({
        status: 404,
        body: 'The web app is not built',
      });
      writeFileSync(join(root, 'index.html'), '<!doctype html><title>v2</title>');
      now = 2000;
      expect(await get(`${server.base}/`)).toMatchObject({
        status: 200,
        body: '<!doctype html><title>v2</title>',
      });
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a file that passes its stat and then cannot be read', () => {
  it('ends its own answer and no more: the server goes on serving', async () => {
    // /proc/self/mem is a regular file to stat (size 0) whose read at offset 0 fails (EIO):
    // a real read error, as a file removed by a deploy or a process out of descriptors gives.
    const link = join(dir, 'unreadable.bin');
    symlinkSync('/proc/self/mem', link);
    const handler = createStaticHandler(dir);
    const server = await serve((req, res) => void handler(req, res));
    try {
      const broken = await fetch(`${server.base}/unreadable.bin`).then(
        async (response) => ({ status: response.status, body: await response.text() }),
        (error: unknown) => ({ failed: String(error) }),
      );
      // Its headers were sent, so the connection is closed instead of the answer completed.
      expect(broken).toEqual({ failed: 'TypeError: fetch failed' });
      expect(await get(`${server.base}/`)).toMatchObject({ status: 200, body: INDEX });
    } finally {
      await server.close();
      rmSync(link);
    }
  });
});

describe('API responses', () => {
  it.each([
    { secure: false, extra: {} },
    { secure: true, extra: HSTS },
  ])(
    'carry nosniff, no-referrer, no-store and a CSP that loads nothing (secure: $secure)',
    async ({ secure, extra }) => {
      const server = await serve((_req, res) => {
        setApiSecurityHeaders(res, { secure });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      });
      try {
        expect(await get(`${server.base}/trpc/auth.me`)).toEqual({
          status: 200,
          headers: {
            'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
            'x-content-type-options': 'nosniff',
            'referrer-policy': 'no-referrer',
            'cache-control': 'no-store',
            ...extra,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
          body: '{"ok":true}',
        });
      } finally {
        await server.close();
      }
    },
  );
});
