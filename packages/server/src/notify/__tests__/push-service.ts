import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  type ECDH,
  hkdfSync,
  randomBytes,
  verify,
} from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One browser's subscription, as PushSubscription.toJSON() gives it. */
export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A push message the service accepted: checked VAPID token, decrypted payload. */
export interface ReceivedPush {
  /** The subscription's name (the endpoint's last path segment). */
  name: string;
  /** The decrypted payload, parsed as JSON. */
  payload: unknown;
  headers: { ttl: string; topic: string; urgency: string; contentEncoding: string };
  /** The VAPID token's claims and the key it was verified with. */
  vapid: { aud: string; sub: string; exp: number; publicKey: string };
  /** What the service answered. */
  status: number;
}

const b64 = (data: Uint8Array) => Buffer.from(data).toString('base64url');

/**
 * Decrypts an aes128gcm Web Push body (RFC 8291, with the RFC 8188 framing) for the browser
 * that holds `ecdh` (the subscription's P-256 key pair) and `authSecret`.
 */
export function decryptPush(body: Buffer, ecdh: ECDH, authSecret: Buffer): Buffer {
  // RFC 8188 §2.1 header: salt (16) | record size (4) | key id length (1) | key id.
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body.readUInt8(20);
  // RFC 8291 §4: the key id is the application server's ephemeral public key.
  const serverPublicKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error(`key id of ${idLength} bytes, not a P-256 key`);
  if (record.length > recordSize) throw new Error('more than one record');

  // RFC 8291 §3.3-3.4: IKM from the ECDH secret, keyed by the auth secret.
  const ecdhSecret = ecdh.computeSecret(serverPublicKey);
  const keyInfo = Buffer.concat([
    Buffer.from('WebPush: info\0'),
    ecdh.getPublicKey(),
    serverPublicKey,
  ]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, authSecret, keyInfo, 32));
  // RFC 8188 §2.2-2.3: content encryption key and nonce (sequence number 0: one record).
  const cek = Buffer.from(
    hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16),
  );
  const nonce = Buffer.from(
    hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12),
  );
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([
    decipher.update(record.subarray(0, record.length - 16)),
    decipher.final(),
  ]);
  // The plaintext ends with a delimiter (2: last record) followed by zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end);
}

/** Checks `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292) and returns the token's claims. */
export function verifyVapid(authorization: string | undefined): ReceivedPush['vapid'] {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization ?? '');
  if (!match?.[1] || !match[2]) throw new Error(`not a VAPID header: ${authorization}`);
  const [header, claims, signature] = match[1].split('.') as [string, string, string];
  const key = Buffer.from(match[2], 'base64url');
  if (key.length !== 65 || key[0] !== 4) throw new Error('k is not an uncompressed P-256 key');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64(key.subarray(1, 33)), y: b64(key.subarray(33)) },
    format: 'jwk',
  });
  const valid = verify(
    'sha256',
    Buffer.from(`${header}.${claims}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!valid) throw new Error('the VAPID token signature does not verify');
  const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
  if (head.alg !== 'ES256') throw new Error(`VAPID token alg ${head.alg}`);
  const body = JSON.parse(Buffer.from(claims, 'base64url').toString()) as {
    aud: string;
    sub: string;
    exp: number;
  };
  return { aud: body.aud, sub: body.sub, exp: body.exp, publicKey: match[2] };
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return typeof value === 'string' ? value : '';
}

/**
 * A push service on loopback, as a browser vendor runs one: it holds real subscription keys
 * (P-256 key pair and 16-byte auth secret, made here), accepts POSTs to each subscription's
 * endpoint, checks the VAPID token, decrypts the payload, and answers 201 (or what the test
 * set for that subscription, e.g. 410 for one that is gone).
 */
export async function startPushService() {
  const browsers = new Map<string, { ecdh: ECDH; auth: Buffer; status: number }>();
  const received: ReceivedPush[] = [];
  const problems: string[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const name = (req.url ?? '').replace(/^\/push\//, '');
      const browser = browsers.get(name);
      if (req.method !== 'POST' || !browser) {
        problems.push(`${req.method} ${req.url}: no such subscription`);
        res.writeHead(404).end();
        return;
      }
      try {
        const vapid = verifyVapid(req.headers.authorization);
        const plaintext = decryptPush(Buffer.concat(chunks), browser.ecdh, browser.auth);
        received.push({
          name,
          payload: JSON.parse(plaintext.toString('utf8')),
          headers: {
            ttl: header(req.headers, 'ttl'),
            topic: header(req.headers, 'topic'),
            urgency: header(req.headers, 'urgency'),
            contentEncoding: header(req.headers, 'content-encoding'),
          },
          vapid,
          status: browser.status,
        });
        res.writeHead(browser.status).end();
      } catch (error) {
        problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    /** Every push accepted so far, in arrival order. */
    received,
    /** Requests that failed a check (bad VAPID token, undecryptable body, unknown endpoint). */
    problems,
    /** A new browser subscription with fresh keys, answered with `status`. */
    subscribe(name: string, status = 201): TestSubscription {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      browsers.set(name, { ecdh, auth, status });
      return {
        endpoint: `${origin}/push/${name}`,
        keys: { p256dh: b64(ecdh.getPublicKey()), auth: b64(auth) },
      };
    },
    /** Pushes received for one subscription, payloads only. */
    payloadsOf(name: string): unknown[] {
      return received.filter((r) => r.name === name).map((r) => r.payload);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type PushService = Awaited<ReturnType<typeof startPushService>>;
