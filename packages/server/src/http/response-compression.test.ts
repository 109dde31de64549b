import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import { DEFAULT_RESPONSE_COMPRESSION, sendJson } from './response-compression.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as sent, not decoded. */
  body: Buffer;
}

function raw(url: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
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

/** The JSON text of an answer, decoded by its Content-Encoding. */
function decoded(response: RawResponse): string {
  const coding = response.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(response.body).toString();
  if (coding === 'gzip') return gunzipSync(response.body).toString();
  expect(coding).toBeUndefined();
  return response.body.toString();
}

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

describe('API answers over HTTP are compressed above 1 KiB', () => {
  let db: TestDatabase;
  let server: TestServer;
  let token: string;
  let roomId: string;
  const bodies = Array.from(
    { length: 12 },
    (_, i) => `Message ${i}: the agenda for Thursday, the slides, and who brings the coffee.`,
  );

  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url);
    const ann = await signUp(server.url, 'ann');
    token = ann.token;
    roomId = (await ann.api.room.create.mutate({ kind: 'private', name: 'big' })).id;
    for (const [i, body] of bodies.entries())
      await ann.api.message.send.mutate({ roomId, clientMsgId: `c${i}`, body });
    ann.close();
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const get = (path: string, acceptEncoding?: string) =>
    raw(`${server.url}/trpc/${path}`, {
      authorization: `Bearer ${token}`,
      ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }),
    });

  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    [undefined, undefined],
  ] as const)(
    'a history page with Accept-Encoding %j goes as %s, the same JSON',
    async (accept, coding) => {
      const path = `message.history?input=${input({ roomId, limit: 50 })}`;
      const plain = await get(path);
      const plainJson = plain.body.toString();
      expect(plain.body.length).toBeGreaterThan(DEFAULT_RESPONSE_COMPRESSION.minBytes);
      const parsed = JSON.parse(plainJson) as {
        result: { data: { messages: { body: string }[] } };
      };
      expect(parsed.result.data.messages.map((m) => m.body)).toEqual(bodies);

      const response = await get(path, accept);
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe(coding);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.headers.vary).toBe('Accept-Encoding');
      // The API's own headers stay: compression adds, never replaces.
      expect(response.headers['cache-control']).toBe('no-store');
      expect(Number(response.headers['content-length'])).toBe(response.body.length);
      expect(decoded(response)).toBe(plainJson);
      if (coding) expect(response.body.length).toBeLessThan(plain.body.length / 2);
    },
  );

  it('the server’s responseCompression setting reaches the handler (RESPONSE_COMPRESSION)', async () => {
    const otherDb = sqliteDatabase();
    const other = await startServer(otherDb.url, { responseCompression: { minBytes: 1e12 } });
    try {
      const bo = await signUp(other.url, 'bo');
      const room = await bo.api.room.create.mutate({ kind: 'private', name: 'uncompressed' });
      for (const [i, body] of bodies.entries())
        await bo.api.message.send.mutate({ roomId: room.id, clientMsgId: `c${i}`, body });
      const path = `message.history?input=${input({ roomId: room.id, limit: 50 })}`;
      const response = await raw(`${other.url}/trpc/${path}`, {
        authorization: `Bearer ${bo.token}`,
        'accept-encoding': 'gzip, br',
      });
      bo.close();
      expect(response.status).toBe(200);
      expect(response.body.length).toBeGreaterThan(DEFAULT_RESPONSE_COMPRESSION.minBytes);
      expect(response.headers['content-encoding']).toBeUndefined();
    } finally {
      await other.close();
      await otherDb.drop();
    }
  });

  it('a long-poll answer carrying the backlog is compressed too', async () => {
    const path = `events.poll?input=${input({ cursors: { [roomId]: 0 }, resume: true, waitMs: 0 })}`;
    const response = await get(path, 'gzip');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    const answer = JSON.parse(decoded(response)) as {
      result: { data: { events: { type: string; message?: { body: string } }[] } };
    };
    const created = answer.result.data.events.filter((e) => e.type === 'message.created');
    expect(created.map((e) => e.message?.body)).toEqual(bodies);
  });

  it('a small answer (auth.me) goes as it is, with nothing to vary on', async () => {
    const response = await get('auth.me', 'gzip, deflate, br');
    expect(response.status).toBe(200);
    expect(response.body.length).toBeLessThan(DEFAULT_RESPONSE_COMPRESSION.minBytes);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toBeUndefined();
    expect(JSON.parse(response.body.toString())).toMatchObject({
      result: { data: { user: { displayName: 'ann' } } },
    });
  });

  it('an error answer above the floor is compressed like any other', async () => {
    // A batch of 20 failing calls: each error shape is a few hundred bytes.
    const paths = Array.from({ length: 20 }, () => 'message.history').join(',');
    const inputs = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [i, { roomId: 'nope', limit: 5 }]),
    );
    const response = await get(`${paths}?batch=1&input=${input(inputs)}`, 'br');
    expect(response.headers['content-encoding']).toBe('br');
    const answers = JSON.parse(decoded(response)) as { error: { data: { code: string } } }[];
    expect(answers).toHaveLength(20);
    expect(new Set(answers.map((a) => a.error.data.code)).size).toBe(1);
  });
});

describe('sendJson options', () => {
  const big = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, text: 'x' })) });

  async function answer(options: typeof DEFAULT_RESPONSE_COMPRESSION, accept: string) {
    const server = createServer((req, res) => void sendJson(req, res, 207, big, options));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      return await raw(`http://127.0.0.1:${port}/`, { 'accept-encoding': accept });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('minBytes Infinity turns compression off', async () => {
    const response = await answer({ ...DEFAULT_RESPONSE_COMPRESSION, minBytes: Infinity }, 'br');
    expect(response.status).toBe(207);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body.toString()).toBe(big);
  });

  it('takes the configured levels, and both decode to the text', async () => {
    const fast = await answer({ ...DEFAULT_RESPONSE_COMPRESSION, gzipLevel: 1 }, 'gzip');
    const small = await answer({ ...DEFAULT_RESPONSE_COMPRESSION, gzipLevel: 9 }, 'gzip');
    expect(fast.status).toBe(207);
    expect(gunzipSync(fast.body).toString()).toBe(big);
    expect(gunzipSync(small.body).toString()).toBe(big);
    // The gzip header's XFL byte records the level: 4 for the fastest, 2 for the smallest.
    expect([fast.body[8], small.body[8]]).toEqual([4, 2]);
    const brotli = await answer({ ...DEFAULT_RESPONSE_COMPRESSION, brotliQuality: 11 }, 'br');
    expect(brotliDecompressSync(brotli.body).toString()).toBe(big);
  });
});
