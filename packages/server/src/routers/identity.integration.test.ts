import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getUntypedClient, TRPCClientError } from '@trpc/client';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import { connect, startServer, type TestServer } from '../__tests__/server.js';
import { connectWithApiKey, refusal } from '../notify/__tests__/fixtures.js';
import { createJwtVerifier } from '../services/identity-jwt.js';
import type { AppRouter } from './root.js';

const API_KEY = 'identity-test-key-0123456789abcdef';
const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const AUDIENCE = 'confab-test';

/** The app's backend: Confab's API with its key. */
const appBackend = (url: string, key = API_KEY) => connectWithApiKey(url, key);

/** A JWT as the app signs it: HS256 with the shared secret unless told otherwise. */
function jwt(
  claims: { sub?: string; name?: string; aud?: string; expSeconds?: number },
  secret = SECRET,
) {
  const builder = new SignJWT(claims.name ? { name: claims.name } : {})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setAudience(claims.aud ?? AUDIENCE)
    .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.expSeconds ?? 600));
  if (claims.sub) builder.setSubject(claims.sub);
  return builder.sign(new TextEncoder().encode(secret));
}

/** A device's stream: resolves `live` at its first event and `ended` with what ended it. */
function openStream(url: string, token: string) {
  const client = connect(url, token);
  let markLive: () => void = () => {};
  const live = new Promise<void>((resolve) => {
    markLive = resolve;
  });
  const ended = new Promise<unknown>((resolve) => {
    getUntypedClient(client.api).subscription(
      'events.onEvent',
      { cursors: {} },
      {
        onData: () => markLive(),
        onError: resolve,
        onComplete: () => resolve('completed without an error'),
      },
    );
  });
  return { live, ended, close: () => client.close() };
}

describe.each(ENGINES)('bring your own identity on $name', { timeout: 60_000 }, ({ create }) => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await create();
    server = await startServer(db.url, {
      apiKeys: [API_KEY],
      jwt: { secret: SECRET, audience: AUDIENCE },
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('an app creates its user by its own id, updates it, and mints tokens that work', async () => {
    const app = appBackend(server.url);
    const created = await app.identity.upsertUser.mutate({
      externalId: 'acme|user-1',
      displayName: 'Ada',
    });
    expect(created.user.displayName).toBe('Ada');
    expect(created.user.username).toMatch(/^app_[0-9a-f]{24}$/);
    const updated = await app.identity.upsertUser.mutate({
      externalId: 'acme|user-1',
      displayName: 'Ada L.',
    });
    expect(updated.user).toEqual({ ...created.user, displayName: 'Ada L.' });

    const before = Date.now();
    const minted = await app.identity.mintToken.mutate({
      externalId: 'acme|user-1',
      displayName: 'Ada L.',
      ttlSeconds: 300,
    });
    expect(minted.user.id).toBe(created.user.id);
    expect(minted.expiresAt).toBeGreaterThanOrEqual(before + 300_000);
    const ada = connect(server.url, minted.token);
    const room = await ada.api.room.create.mutate({ kind: 'private', name: 'acme' });
    const sent = await ada.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'c1',
      body: 'hello from the app',
    });
    expect(sent.seq).toBe(2);
    expect((await ada.api.auth.sessions.query()).map((s) => s.deviceLabel)).toEqual([
      'App session',
    ]);
    ada.close();

    // A new user with the username the app chose; a taken one is refused.
    const bob = await app.identity.mintToken.mutate({
      externalId: 'acme|user-2',
      displayName: 'Bob',
      username: 'acme_bob',
    });
    expect(bob.user.username).toBe('acme_bob');
    expect(
      await refusal(
        app.identity.upsertUser.mutate({
          externalId: 'acme|user-3',
          displayName: 'Other',
          username: 'acme_bob',
        }),
      ),
    ).toEqual({ appCode: 'USERNAME_TAKEN', message: 'That username is taken' });
    // An app's user has no password: signing in with one is refused like a wrong one.
    const anonymous = connect(server.url);
    expect(
      (
        await refusal(
          anonymous.api.auth.login.mutate({ username: 'acme_bob', password: '!external' }),
        )
      ).appCode,
    ).toBe('INVALID_CREDENTIALS');
    anonymous.close();
  });

  it('every identity procedure needs the API key', async () => {
    const wrong = appBackend(server.url, 'not-the-key-0123456789abcdef');
    // Made one at a time: a refusal that arrived while an earlier one was awaited would be an
    // unhandled rejection until its turn.
    const calls = [
      () => wrong.identity.upsertUser.mutate({ externalId: 'x', displayName: 'X' }),
      () => wrong.identity.mintToken.mutate({ externalId: 'x', displayName: 'X' }),
      () => wrong.identity.revokeUser.mutate({ externalId: 'x' }),
      () => wrong.identity.restoreUser.mutate({ externalId: 'x' }),
    ];
    for (const call of calls) expect((await refusal(call())).appCode).toBe('INVALID_API_KEY');
  });

  it('a minted token stops working when it expires: SESSION_EXPIRED', async () => {
    const minted = await appBackend(server.url).identity.mintToken.mutate({
      externalId: 'acme|short',
      displayName: 'Short',
      ttlSeconds: 1,
    });
    const device = connect(server.url, minted.token);
    expect((await device.api.auth.sessions.query()).length).toBe(1);
    // Bounded: the token lives one second; 60 tries 100 ms apart are well past it.
    let refused: { appCode?: string | undefined; message: string } | undefined;
    for (let i = 0; i < 60 && !refused; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (Date.now() < minted.expiresAt) continue;
      refused = await refusal(device.api.auth.sessions.query());
    }
    expect(refused).toEqual({
      appCode: 'SESSION_EXPIRED',
      message: 'Token expired; get a new one',
    });
    device.close();
  });

  it('accepts a JWT the app signs, maps sub to its user, and refuses bad ones with typed errors', async () => {
    const token = await jwt({ sub: 'acme|jwt-1', name: 'Jay' });
    const jay = connect(server.url, token);
    const me = await jay.api.room.mine.query();
    expect(me).toEqual([]);
    const [session] = await jay.api.auth.sessions.query();
    expect(session?.deviceLabel).toBe('JWT');
    jay.close();
    // Another JWT for the same sub is the same user; the app's backend sees it by externalId.
    // (Another expiry: the same claims signed in the same second are the same JWT.)
    const again = connect(
      server.url,
      await jwt({ sub: 'acme|jwt-1', name: 'Jay', expSeconds: 601 }),
    );
    expect((await again.api.auth.sessions.query()).length).toBe(2);
    again.close();
    const known = await appBackend(server.url).identity.upsertUser.mutate({
      externalId: 'acme|jwt-1',
      displayName: 'Jay',
    });
    expect(known.user.username).toMatch(/^app_/);

    const cases = [
      {
        token: await jwt({ sub: 'acme|jwt-1', expSeconds: -60 }),
        expected: { appCode: 'SESSION_EXPIRED', message: 'JWT expired; get a new one' },
      },
      {
        token: await jwt({ sub: 'acme|jwt-1' }, 'another-secret-of-at-least-32-bytes!!'),
        expected: { appCode: 'TOKEN_INVALID', message: 'JWT signature does not verify' },
      },
      {
        token: await jwt({ sub: 'acme|jwt-1', aud: 'someone-else' }),
        expected: {
          appCode: 'TOKEN_INVALID',
          message: 'JWT claim aud refused: unexpected "aud" claim value',
        },
      },
      {
        token: await jwt({}),
        expected: {
          appCode: 'TOKEN_INVALID',
          message: 'JWT claim sub refused: missing required "sub" claim',
        },
      },
    ];
    for (const { token: bad, expected } of cases) {
      const device = connect(server.url, bad);
      expect(await refusal(device.api.room.mine.query())).toEqual(expected);
      device.close();
    }
  });

  it("revoking the app's user ends its streams and refuses its tokens and JWTs until restored", async () => {
    const app = appBackend(server.url);
    const minted = await app.identity.mintToken.mutate({
      externalId: 'acme|banned',
      displayName: 'Banned',
    });
    const byJwt = await jwt({ sub: 'acme|banned' });
    const [first, second] = [openStream(server.url, minted.token), openStream(server.url, byJwt)];
    await Promise.all([first.live, second.live]);

    expect(await app.identity.revokeUser.mutate({ externalId: 'acme|banned' })).toEqual({
      sessionsEnded: 2,
    });
    for (const stream of [first, second]) {
      const ended = await stream.ended;
      expect(ended).toBeInstanceOf(TRPCClientError);
      expect((ended as TRPCClientError<AppRouter>).data?.appCode).toBe('SESSION_REVOKED');
      stream.close();
    }
    expect(
      await refusal(app.identity.mintToken.mutate({ externalId: 'acme|banned', displayName: 'B' })),
    ).toEqual({ appCode: 'FORBIDDEN', message: 'The app revoked this user; restore it first' });
    const fresh = connect(server.url, await jwt({ sub: 'acme|banned', expSeconds: 601 }));
    expect(await refusal(fresh.api.room.mine.query())).toEqual({
      appCode: 'SESSION_REVOKED',
      message: 'The app revoked this user',
    });
    fresh.close();
    expect(
      (await refusal(app.identity.revokeUser.mutate({ externalId: 'acme|nobody' }))).appCode,
    ).toBe('USER_NOT_FOUND');

    await app.identity.restoreUser.mutate({ externalId: 'acme|banned' });
    const back = await app.identity.mintToken.mutate({
      externalId: 'acme|banned',
      displayName: 'B',
    });
    const device = connect(server.url, back.token);
    expect(await device.api.room.mine.query()).toEqual([]);
    device.close();
  });
});

describe('JWTs checked against a JWKS', { timeout: 60_000 }, () => {
  it('verifies with the key the JWKS names, through the guarded fetch', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    let fetches = 0;
    const jwks = createServer((_req, res) => {
      fetches += 1;
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    try {
      // Loopback and http are refused unless explicitly allowed (as for webhooks).
      expect(() => createJwtVerifier({ jwksUrl, audience: AUDIENCE })).toThrow(
        'JWT_JWKS_URL must be https',
      );
      expect(() =>
        createJwtVerifier({ jwksUrl: 'https://127.0.0.1/jwks.json', audience: AUDIENCE }),
      ).toThrow('JWT_JWKS_URL names an internal address');
      const verify = createJwtVerifier({
        jwksUrl,
        audience: AUDIENCE,
        allowPrivateAddresses: true,
      });
      const signed = await new SignJWT({ name: 'Kay' })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('acme|kay')
        .setAudience(AUDIENCE)
        .setExpirationTime('10m')
        .sign(privateKey);
      expect(await verify(signed)).toMatchObject({ sub: 'acme|kay', name: 'Kay' });
      expect(fetches).toBe(1);
      const other = await generateKeyPair('ES256');
      const forged = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('acme|kay')
        .setAudience(AUDIENCE)
        .setExpirationTime('10m')
        .sign(other.privateKey);
      await expect(verify(forged)).rejects.toMatchObject({
        appCode: 'TOKEN_INVALID',
        message: 'JWT signature does not verify',
      });
    } finally {
      await new Promise((resolve) => jwks.close(resolve));
    }
  });
});
