import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';
import { AVATAR_ROUTES, LIMITS } from '@confab/contracts';
import { getUntypedClient } from '@trpc/client';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import { appRouter } from '../routers/root.js';
import { createAvatarRoutes } from './avatar-routes.js';

type User = Awaited<ReturnType<typeof signUp>>;

/** The API's refusal shape: what every route answers a refused request with. */
interface Refusal {
  error: { message: string; data: { appCode: string; httpStatus: number } };
}

/** An image of `width` x `height` in three vertical bands: green, red (the middle half), blue. */
async function banded(width: number, height: number): Promise<Buffer> {
  const band = (w: number, background: string) =>
    sharp({ create: { width: w, height, channels: 3, background } })
      .png()
      .toBuffer();
  const quarter = Math.round(width / 4);
  return sharp({ create: { width, height, channels: 3, background: '#000' } })
    .composite([
      { input: await band(quarter, '#00ff00'), left: 0, top: 0 },
      { input: await band(width - 2 * quarter, '#ff0000'), left: quarter, top: 0 },
      { input: await band(quarter, '#0000ff'), left: width - quarter, top: 0 },
    ])
    .png()
    .toBuffer();
}

/** The colour at (x, y) of an image, as [r, g, b]. */
async function pixel(image: Uint8Array, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at] ?? -1, data[at + 1] ?? -1, data[at + 2] ?? -1];
}

const near = (actual: number[], expected: number[]) =>
  actual.every((v, i) => Math.abs(v - (expected[i] ?? 0)) <= 24);

/** CRC-32 as PNG chunks carry it. */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a PNG of a few hundred bytes that declares 30000 x 30000 pixels (900
 * megapixels, 2.7 GB decoded), its first rows compressed from zeros.
 */
function pngBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(30_000, 0);
  header.writeUInt32BE(30_000, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, not interlaced
  const rows = deflateSync(Buffer.alloc(16 * (1 + 30_000 * 3)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A PUT with node:http, whose answer is read even when the server refuses before the body is
 * sent: the client's writes past that point may fail (the server closed), its answer stands.
 */
function rawPut(
  url: string,
  headers: Record<string, string>,
  body: { chunks: number; chunkBytes: number },
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${AVATAR_ROUTES.mine}`, { method: 'PUT', headers });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString()) }),
      );
      res.on('error', reject);
    });
    req.on('error', () => {
      // EPIPE / ECONNRESET while writing a body the server stopped reading: the answer (or its
      // absence, which fails the test by timeout) is what counts.
    });
    const piece = Buffer.alloc(body.chunkBytes, 1);
    let sent = 0;
    const writeMore = () => {
      while (sent < body.chunks) {
        sent += 1;
        if (!req.write(piece)) {
          req.once('drain', writeMore);
          return;
        }
      }
      req.end();
    };
    writeMore();
  });
}

describe('avatars over HTTP', () => {
  let db: TestDatabase;
  let server: TestServer;
  let alice: User;
  let bob: User;
  let roomId: string;

  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url);
    alice = await signUp(server.url, 'alice');
    bob = await signUp(server.url, 'bob');
    roomId = (await alice.api.room.create.mutate({ name: 'avatars', kind: 'private' })).id;
    await alice.api.room.invite.mutate({ roomId, username: bob.username });
  });
  afterAll(async () => {
    alice?.close();
    bob?.close();
    await server?.close();
    await db?.drop();
  });

  const put = (token: string | undefined, body: Uint8Array | string, type = 'image/png') =>
    fetch(`${server.url}${AVATAR_ROUTES.mine}`, {
      method: 'PUT',
      headers: { 'Content-Type': type, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body,
    });
  const get = (token: string | undefined, userId: string, query = '', headers = {}) =>
    fetch(`${server.url}${AVATAR_ROUTES.prefix}/${userId}${query}`, {
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    });
  const appCodeOf = async (response: Response) =>
    ((await response.json()) as Refusal).error.data.appCode;
  /** Alice's avatar version as the store and the API see it. */
  const aliceVersion = async () => (await alice.api.auth.me.query()).user.avatarVersion;

  it('stores a PNG as a 256x256 WebP square cut from its middle, served to another member', async () => {
    const response = await put(alice.token, await banded(800, 400));
    expect(response.status).toBe(200);
    const { avatarVersion } = (await response.json()) as { avatarVersion: number };
    expect(await aliceVersion()).toBe(avatarVersion);
    const members = await bob.api.room.members.query({ roomId });
    expect(members.find((m) => m.userId === alice.user.id)?.avatarVersion).toBe(avatarVersion);

    const served = await get(bob.token, alice.user.id, `?v=${avatarVersion}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(served.headers.get('etag')).toBe(`"${avatarVersion}"`);
    const image = new Uint8Array(await served.arrayBuffer());
    const metadata = await sharp(image).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['webp', 256, 256]);
    expect(metadata.exif).toBeUndefined();
    // The middle square of an 800x400 image is all the red band.
    for (const [x, y] of [
      [2, 2],
      [253, 2],
      [128, 128],
      [2, 253],
      [253, 253],
    ] as const)
      expect(near(await pixel(image, x, y), [255, 0, 0]), `pixel ${x},${y}`).toBe(true);
  });

  it("tells the room's other members live (a profile event), with the new version", async () => {
    const png = await banded(64, 64);
    let uploaded: Promise<Response> | undefined;
    // Bob's stream is live once its sync arrives: the upload is made then.
    const heard = new Promise<unknown>((resolve, reject) => {
      const subscription = getUntypedClient(bob.api).subscription(
        'events.onEvent',
        { cursors: {} },
        {
          onData: (tracked: unknown) => {
            const { data } = tracked as { data: { type?: string } };
            if (data.type === 'sync') uploaded ??= put(alice.token, png);
            if (data.type !== 'profile') return;
            subscription.unsubscribe();
            resolve(data);
          },
          onError: reject,
        },
      );
    });
    const event = await heard;
    const answer = (await (await uploaded)?.json()) as { avatarVersion: number };
    expect(event).toEqual({
      type: 'profile',
      user: { ...alice.user, avatarVersion: answer.avatarVersion },
    });
  });

  it('turns a photo upright by its EXIF orientation before cutting the square', async () => {
    // Stored 200 wide and 100 high, left half red, right half blue; orientation 6 says "turn
    // 90 degrees clockwise to show", so shown it is red above blue.
    const halves = await sharp({
      create: { width: 200, height: 100, channels: 3, background: '#0000ff' },
    })
      .composite([
        {
          input: await sharp({
            create: { width: 100, height: 100, channels: 3, background: '#ff0000' },
          })
            .png()
            .toBuffer(),
          left: 0,
          top: 0,
        },
      ])
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const response = await put(bob.token, halves, 'image/jpeg');
    expect(response.status).toBe(200);
    const { avatarVersion } = (await response.json()) as { avatarVersion: number };
    const image = new Uint8Array(
      await (await get(alice.token, bob.user.id, `?v=${avatarVersion}`)).arrayBuffer(),
    );
    expect(near(await pixel(image, 128, 20), [255, 0, 0])).toBe(true);
    expect(near(await pixel(image, 128, 235), [0, 0, 255])).toBe(true);
  });

  it('refuses bytes that are not an image with IMAGE_INVALID (422) and keeps the avatar there was', async () => {
    const before = await aliceVersion();
    const response = await put(alice.token, 'this is not a PNG at all');
    expect(response.status).toBe(422);
    expect(await appCodeOf(response)).toBe('IMAGE_INVALID');
    expect(await aliceVersion()).toBe(before);
    expect((await get(bob.token, alice.user.id)).status).toBe(200);
  });

  it('refuses an image format it does not take (SVG, even labelled PNG) with IMAGE_INVALID', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
    const response = await put(alice.token, svg);
    expect(response.status).toBe(422);
    expect(await appCodeOf(response)).toBe('IMAGE_INVALID');
  });

  it('refuses a Content-Type that is not an image with UNSUPPORTED_MEDIA_TYPE (415)', async () => {
    const before = await aliceVersion();
    const response = await put(alice.token, await banded(40, 40), 'application/octet-stream');
    expect(response.status).toBe(415);
    expect(await appCodeOf(response)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await aliceVersion()).toBe(before);
  });

  it('refuses a decompression bomb (a tiny PNG declaring 30000x30000) with IMAGE_INVALID', async () => {
    const before = await aliceVersion();
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(LIMITS.avatarMaxBytes);
    const response = await put(alice.token, bomb);
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as Refusal;
    expect(error.data.appCode).toBe('IMAGE_INVALID');
    expect(error.message).toBe('The image is larger than 40 megapixels; choose a smaller one');
    expect(await aliceVersion()).toBe(before);
  });

  it('refuses a body declared larger than the limit with FILE_TOO_LARGE (413), nothing stored', async () => {
    const before = await aliceVersion();
    const chunkBytes = 64 * 1024;
    const chunks = LIMITS.avatarMaxBytes / chunkBytes + 1;
    const { status, json } = await rawPut(
      server.url,
      {
        Authorization: `Bearer ${alice.token}`,
        'Content-Type': 'image/png',
        'Content-Length': String(chunks * chunkBytes),
      },
      { chunks, chunkBytes },
    );
    expect(status).toBe(413);
    expect((json as Refusal).error.data.appCode).toBe('FILE_TOO_LARGE');
    expect(await aliceVersion()).toBe(before);
  });

  it('stops reading a chunked body once it passes the limit: FILE_TOO_LARGE (413), nothing stored', async () => {
    const before = await aliceVersion();
    const chunkBytes = 64 * 1024;
    const { status, json } = await rawPut(
      server.url,
      { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'image/png' },
      // Twice the limit: the answer comes while the client is still sending.
      { chunks: (2 * LIMITS.avatarMaxBytes) / chunkBytes, chunkBytes },
    );
    expect(status).toBe(413);
    expect((json as Refusal).error.data.appCode).toBe('FILE_TOO_LARGE');
    expect(await aliceVersion()).toBe(before);
  });

  it('answers every route 401 without a session, and ignores the cookie of a foreign page', async () => {
    const png = await banded(40, 40);
    for (const response of [
      await put(undefined, png),
      await fetch(`${server.url}${AVATAR_ROUTES.mine}`, { method: 'DELETE' }),
      await get(undefined, alice.user.id),
      await put('not-a-token', png),
    ]) {
      expect(response.status).toBe(401);
      expect(['UNAUTHENTICATED', 'SESSION_INVALID']).toContain(await appCodeOf(response));
    }
    const cookie = `confab_session=${alice.token}`;
    const foreign = await fetch(`${server.url}${AVATAR_ROUTES.mine}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'image/png', Cookie: cookie, Origin: 'http://evil.example' },
      body: png,
    });
    expect(foreign.status).toBe(401);
    expect(await appCodeOf(foreign)).toBe('UNAUTHENTICATED');
    // The server's own page (same origin) may use it.
    const own = await fetch(`${server.url}${AVATAR_ROUTES.prefix}/${alice.user.id}`, {
      headers: { Cookie: cookie, Origin: server.url },
    });
    expect(own.status).toBe(200);
  });

  it('asks browsers to revalidate a URL without the current version, and answers 304 to its ETag', async () => {
    const version = await aliceVersion();
    const stale = await get(bob.token, alice.user.id, '?v=1');
    expect(stale.headers.get('cache-control')).toBe('private, no-cache');
    const again = await get(bob.token, alice.user.id, `?v=${version}`, {
      'If-None-Match': `"${version}"`,
    });
    expect(again.status).toBe(304);
  });

  it('refuses other methods with 405 and says which it takes', async () => {
    const post = await fetch(`${server.url}${AVATAR_ROUTES.mine}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'image/png' },
      body: await banded(40, 40),
    });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('PUT, DELETE');
    expect(await appCodeOf(post)).toBe('VALIDATION');
  });

  it('answers 404 AVATAR_NOT_FOUND for a user without one, an unknown user and a malformed id', async () => {
    const carol = await signUp(server.url, 'carol');
    for (const id of [carol.user.id, 'nobody', '%zz']) {
      const response = await get(bob.token, id);
      expect(response.status, id).toBe(404);
      expect(await appCodeOf(response)).toBe('AVATAR_NOT_FOUND');
    }
    carol.close();
  });

  it('DELETE removes it: the picture is gone and members carry no avatarVersion', async () => {
    const response = await fetch(`${server.url}${AVATAR_ROUTES.mine}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${alice.token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ removed: true });
    expect(await aliceVersion()).toBeUndefined();
    const members = await bob.api.room.members.query({ roomId });
    expect(members.find((m) => m.userId === alice.user.id)).not.toHaveProperty('avatarVersion');
    const gone = await get(bob.token, alice.user.id);
    expect(gone.status).toBe(404);
    expect(await appCodeOf(gone)).toBe('AVATAR_NOT_FOUND');
  });
});

/**
 * An upload whose body is still coming: its headers and a first byte are sent, the rest when
 * `finish` is called (bytes that are no image, so nothing is stored). Resolves with the status.
 */
function hangingUpload(url: string, token: string) {
  const req = request(`${url}${AVATAR_ROUTES.mine}`, {
    method: 'PUT',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'image/png',
      'Content-Length': '2',
    },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.write('x');
  return { status, finish: () => req.end('x') };
}

describe('avatar uploads at once', () => {
  let db: TestDatabase;
  let server: TestServer;
  // The routes on a listener of their own, over the test server's services: the test can see
  // when an upload is under way (uploadsUnderWay) and allow two at once.
  let routes: ReturnType<typeof createAvatarRoutes>;
  let listener: Server;
  let url: string;
  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url);
    routes = createAvatarRoutes({
      services: server.server.services,
      router: appRouter,
      caller: (req) => ({
        token: req.headers.authorization?.slice('Bearer '.length),
        address: '127.0.0.1',
      }),
      log: server.server.log,
      uploadsAtOnce: 2,
    });
    listener = createServer((req, res) => routes.handle(req, res, req.url ?? '/'));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => listener?.close(resolve));
    await server?.close();
    await db?.drop();
  });

  /** Status of a small upload that is no image: 422 once it is read, 429 when it is not. */
  const tryUpload = async (token: string) =>
    (
      await fetch(`${url}${AVATAR_ROUTES.mine}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png' },
        body: 'no image',
      })
    ).status;

  it('takes one upload per user at a time, and a bounded number per process: the rest RATE_LIMITED (429)', async () => {
    const [ann, bob, cat] = await Promise.all(
      ['ann', 'bob', 'cat'].map((name) => signUp(server.url, name)),
    );
    if (!ann || !bob || !cat) throw new Error('sign-up failed');
    const first = hangingUpload(url, ann.token);
    await expect.poll(() => routes.uploadsUnderWay()).toBe(1);
    expect(await tryUpload(ann.token)).toBe(429);
    const second = hangingUpload(url, bob.token);
    await expect.poll(() => routes.uploadsUnderWay()).toBe(2);
    // Two bodies being read: a third person waits too.
    expect(await tryUpload(cat.token)).toBe(429);
    first.finish();
    second.finish();
    expect([await first.status, await second.status]).toEqual([422, 422]);
    // Then they are taken again.
    expect(await tryUpload(cat.token)).toBe(422);
    expect(await tryUpload(ann.token)).toBe(422);
    for (const user of [ann, bob, cat]) user.close();
  });
});

describe('avatar rate limits', () => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url, {
      rateLimits: { avatarWritePerUser: { points: 2, windowMs: 60_000 } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('refuses uploads past avatarWritePerUser with RATE_LIMITED (429) before reading them', async () => {
    const user = await signUp(server.url, 'uploader');
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const upload = () =>
      fetch(`${server.url}${AVATAR_ROUTES.mine}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'image/png' },
        body: png,
      });
    expect((await upload()).status).toBe(200);
    expect((await upload()).status).toBe(200);
    const version = (await user.api.auth.me.query()).user.avatarVersion;
    const third = await upload();
    expect(third.status).toBe(429);
    expect(((await third.json()) as Refusal).error.data.appCode).toBe('RATE_LIMITED');
    expect((await user.api.auth.me.query()).user.avatarVersion).toBe(version);
    user.close();
  });
});
