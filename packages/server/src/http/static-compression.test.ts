import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticHandler } from './static.js';

// Large and repetitive enough that both codings shrink it, as a real bundle.
const SCRIPT = Buffer.from(
  Array.from({ length: 400 }, (_, i) => `export const value${i} = "confab-${i % 7}";\n`).join(''),
);
const INDEX = Buffer.from(
  `<!doctype html><title>Confab</title>${'<meta name="x" content="y">'.repeat(50)}`,
);
const IMAGE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);

let dir: string;
let base: string;
let server: Server;

/** What the web app's build writes: each text file beside its brotli and gzip variants. */
function writeWithVariants(path: string, bytes: Buffer) {
  writeFileSync(join(dir, path), bytes);
  writeFileSync(join(dir, `${path}.br`), brotliCompressSync(bytes));
  writeFileSync(join(dir, `${path}.gz`), gzipSync(bytes));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'confab-static-compression-'));
  mkdirSync(join(dir, 'assets'));
  writeWithVariants('index.html', INDEX);
  writeWithVariants('assets/index-abc123.js', SCRIPT);
  // Already compressed: the build writes no variants for it.
  writeFileSync(join(dir, 'assets', 'logo-def456.png'), IMAGE);
  // Only a gzip variant (a build that skipped brotli).
  writeFileSync(join(dir, 'assets', 'old-1.js'), SCRIPT);
  writeFileSync(join(dir, 'assets', 'old-1.js.gz'), gzipSync(SCRIPT));
  const handler = createStaticHandler(dir);
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as they came over the wire, not decoded (fetch would decode them). */
  body: Buffer;
}

/** One request with exactly these headers (raw paths included), read without decoding. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const decode: Record<string, (bytes: Buffer) => Buffer> = {
  br: brotliDecompressSync,
  gzip: gunzipSync,
  identity: (bytes) => bytes,
};

describe('precompressed assets', () => {
  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    [undefined, 'identity'],
  ] as const)(
    'Accept-Encoding %j gets %s: bytes that decode to the file, with their own length',
    async (accept, coding) => {
      const response = await raw(
        '/assets/index-abc123.js',
        accept ? { 'Accept-Encoding': accept } : {},
      );
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe(coding === 'identity' ? undefined : coding);
      expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(response.headers.vary).toBe('Accept-Encoding');
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(Number(response.headers['content-length'])).toBe(response.body.length);
      expect(decode[coding]?.(response.body).equals(SCRIPT)).toBe(true);
      if (coding !== 'identity') expect(response.body.length).toBeLessThan(SCRIPT.length / 3);
    },
  );

  it('gives each coding of a file its own ETag, and answers 304 only to that one', async () => {
    const tags: Record<string, string> = {};
    for (const coding of ['br', 'gzip', 'identity']) {
      const { headers } = await raw('/assets/index-abc123.js', { 'Accept-Encoding': coding });
      tags[coding] = String(headers.etag);
    }
    expect(new Set(Object.values(tags)).size).toBe(3);
    for (const tag of Object.values(tags)) expect(tag).toMatch(/^"[0-9a-z-]+"$/);

    const revalidated = await raw('/assets/index-abc123.js', {
      'Accept-Encoding': 'br',
      'If-None-Match': tags.br ?? '',
    });
    expect(revalidated).toMatchObject({ status: 304, body: Buffer.alloc(0) });
    expect(revalidated.headers).toMatchObject({ etag: tags.br, vary: 'Accept-Encoding' });
    // A list, weak or not, matches too.
    const listed = await raw('/assets/index-abc123.js', {
      'Accept-Encoding': 'br',
      'If-None-Match': `"nope", W/${tags.br}`,
    });
    expect(listed.status).toBe(304);
    // The brotli copy's tag does not validate the gzip bytes: those are sent in full.
    const other = await raw('/assets/index-abc123.js', {
      'Accept-Encoding': 'gzip',
      'If-None-Match': tags.br ?? '',
    });
    expect(other.status).toBe(200);
    expect(gunzipSync(other.body).equals(SCRIPT)).toBe(true);
  });

  it('answers HEAD with the headers of the coding GET would send, and no body', async () => {
    const get = await raw('/assets/index-abc123.js', { 'Accept-Encoding': 'br' });
    const head = await raw('/assets/index-abc123.js', { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const { date: _getDate, ...getHeaders } = get.headers;
    const { date: _headDate, ...headHeaders } = head.headers;
    expect(headHeaders).toEqual(getHeaders);
    expect(head.headers['content-encoding']).toBe('br');
    expect(Number(head.headers['content-length'])).toBe(get.body.length);
  });

  it('compresses the SPA fallback too: a client-side route gets index.html in brotli', async () => {
    const response = await raw('/rooms/abc', { 'Accept-Encoding': 'br, gzip' });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-encoding': 'br',
      'cache-control': 'no-cache',
      vary: 'Accept-Encoding',
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
    expect(brotliDecompressSync(response.body).equals(INDEX)).toBe(true);
  });

  it('sends a file without variants as it is, with no Vary (there is no choice to vary on)', async () => {
    const response = await raw('/assets/logo-def456.png', { 'Accept-Encoding': 'br, gzip' });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toBeUndefined();
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.body.equals(IMAGE)).toBe(true);
  });

  it('falls back to the variant there is: gzip when only gzip was built', async () => {
    const response = await raw('/assets/old-1.js', { 'Accept-Encoding': 'br, gzip' });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(response.body).equals(SCRIPT)).toBe(true);
  });

  it('still refuses paths out of the root, encoded or not, whatever the coding', async () => {
    for (const path of [
      '/../../etc/passwd',
      '/..%2f..%2fetc%2fpasswd',
      '/assets/%2e%2e/%2e%2e/x',
    ]) {
      const response = await raw(path, { 'Accept-Encoding': 'br, gzip' });
      // Either refused (404) or answered with the app's own index.html: never a file outside.
      if (response.status === 200) {
        expect(brotliDecompressSync(response.body).equals(INDEX)).toBe(true);
      } else {
        expect(response.status).toBe(404);
      }
    }
  });
});
