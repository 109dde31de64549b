import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiProcess, buildApiBundle, startApi } from './__tests__/api-process.js';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from './__tests__/databases.js';
import { type PackageLog, packageLog } from './__tests__/loaded-packages.js';
import {
  freeLoopbackPort,
  startRedisServer,
  type TestRedisServer,
} from './__tests__/redis-server.js';
import { connect, signUp } from './__tests__/server.js';
import { API_KEY, connectWithApiKey } from './notify/__tests__/fixtures.js';
import { startWebhookReceiver } from './notify/__tests__/webhook-receiver.js';

const WEBHOOK_SECRET = 'whsec-lazy-0123456789abcdef';

/** Loaded at first use only (lazy-modules.ts, the store's driver): none of them at start. */
const LAZY = [
  '@node-rs/argon2',
  '@zxcvbn-ts/language-common',
  'pg',
  'redis',
  '@redis/client',
  'sharp',
  'undici',
  'web-push',
] as const;

const without = (loaded: Set<string>, names: readonly string[]) =>
  names.filter((name) => loaded.has(name));

// On the built (code-split) process, observed from outside: what it loads at start and what it
// loads when a feature is first used. Each package a process never uses costs it resident memory
// (docs/operations.md, "Memory"); these tests hold the line that it does not load them.
describe('packages the API process loads', () => {
  let bundle: Awaited<ReturnType<typeof buildApiBundle>> | undefined;
  const processes: ApiProcess[] = [];
  const logs: PackageLog[] = [];
  const databases: TestDatabase[] = [];
  let redis: TestRedisServer | undefined;

  beforeAll(async () => {
    bundle = await buildApiBundle('lazy-modules');
  }, 120_000);
  afterAll(async () => {
    for (const api of processes) api.child.kill('SIGTERM');
    await Promise.all(processes.map((api) => api.exited));
    await redis?.stop();
    await Promise.all(databases.map((db) => db.drop()));
    for (const log of logs) log.remove();
    bundle?.remove();
  });

  const start = async (env: Record<string, string>) => {
    const log = packageLog();
    logs.push(log);
    if (!bundle) throw new Error('not built');
    const api = await startApi(
      bundle.path,
      { PORT: String(await freeLoopbackPort()), ...env },
      log.nodeArgs,
    );
    processes.push(api);
    return { api, loaded: () => log.loaded() };
  };
  /** Once the process's VAPID keys are stored (made at a first start). */
  const vapidKeysMade = async (url: string) => {
    const key = await signUp(url, 'keys');
    expect((await key.api.notifications.vapidPublicKey.query()).publicKey).toMatch(/^[\w-]{80,}$/);
    key.close();
  };
  const stop = async (api: ApiProcess) => {
    api.child.kill('SIGTERM');
    await api.exited;
  };

  it('are bundled in ASCII only files (one other character makes V8 hold a source as UTF-16)', () => {
    if (!bundle) throw new Error('not built');
    const files = readdirSync(bundle.dir, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.js'),
    );
    expect(files).toContain('main.js');
    expect(files.length).toBeGreaterThan(5); // main.js and its chunks
    const notAscii = files.filter((file) =>
      /[\u0080-\u{10ffff}]/u.test(readFileSync(join(bundle?.dir ?? '', file), 'utf8')),
    );
    expect(notAscii).toEqual([]);
  });

  it("holds zod's English messages only, not its other locales (zod imported as a namespace)", () => {
    if (!bundle) throw new Error('not built');
    // esbuild names each bundled file in a path comment; `import { z }` anywhere would bring
    // every locale of zod in (~40 of them, 550 KB), none of which the server ever uses.
    const locales = new Set(
      readFileSync(join(bundle.dir, 'main.js'), 'utf8').match(/zod\/v4\/locales\/[\w-]+\.js/g),
    );
    expect([...locales]).toEqual(['zod/v4/locales/en.js']);
  });

  it('on SQLite: none of the lazy ones at start; argon2 and the common list at the first sign-up, undici at the first webhook', async () => {
    const db = sqliteDatabase();
    databases.push(db);
    // The first start on a new database makes the VAPID keys, with web-push.
    const first = await start({ DATABASE_URL: db.url });
    await vapidKeysMade(first.api.url);
    expect(first.loaded()).toContain('web-push');
    await stop(first.api);

    const { api, loaded } = await start({
      DATABASE_URL: db.url,
      API_KEYS: API_KEY,
      // The webhook receiver listens on 127.0.0.1.
      ALLOW_PRIVATE_ADDRESSES: 'true',
    });
    const atStart = loaded();
    // The log does see the process's packages: the SQLite store's are there.
    expect(atStart).toContain('kysely');
    expect(atStart).toContain('better-sqlite3');
    expect(without(atStart, LAZY)).toEqual([]);

    const ann = await signUp(api.url, 'ann');
    expect((await ann.api.auth.me.query()).user.username).toBe(ann.username);
    // A common password is still refused (the list loaded and works).
    const anonymous = connect(api.url);
    const refused = await anonymous.api.auth.register
      .mutate({ username: 'bob_common', displayName: 'Bob', password: 'Password' })
      .then(
        () => 'accepted',
        (error: Error) => error.message,
      );
    anonymous.close();
    expect(refused).toBe('Password is one of the most common passwords; choose another');
    ann.close();
    expect(without(loaded(), LAZY)).toEqual(['@node-rs/argon2', '@zxcvbn-ts/language-common']);

    // A message for an offline member goes to the webhook: the first outgoing request.
    const receiver = await startWebhookReceiver(WEBHOOK_SECRET);
    try {
      await connectWithApiKey(api.url).notifications.registerWebhook.mutate({
        url: receiver.url,
        secret: WEBHOOK_SECRET,
      });
      const bob = await signUp(api.url, 'bob');
      const owner = await signUp(api.url, 'owner');
      const room = await owner.api.room.create.mutate({ kind: 'private', name: 'hooks' });
      await owner.api.room.invite.mutate({ roomId: room.id, username: bob.username });
      bob.close();
      await owner.api.message.send.mutate({ roomId: room.id, clientMsgId: 'h1', body: 'for bob' });
      owner.close();
      await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
      const delivery = receiver.received[0];
      expect(delivery?.status).toBe(200);
      expect(delivery?.verified).toMatchObject({ ok: true });
      expect(JSON.parse(delivery?.rawBody ?? '{}')).toMatchObject({
        type: 'message.created',
        message: { body: 'for bob' },
      });
    } finally {
      await receiver.close();
    }
    expect(without(loaded(), LAZY)).toEqual([
      '@node-rs/argon2',
      '@zxcvbn-ts/language-common',
      'undici',
    ]);
  });

  it('on PostgreSQL with REDIS_URL: pg and redis at start (not better-sqlite3), and the bus works', async () => {
    const db = await postgresDatabase();
    databases.push(db);
    redis = await startRedisServer();
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url };
    const one = await start(env);
    await vapidKeysMade(one.api.url);
    const two = await start(env);
    const atStart = two.loaded();
    expect(atStart).toContain('kysely');
    expect(atStart).not.toContain('better-sqlite3');
    expect(without(atStart, LAZY)).toEqual(['pg', 'redis', '@redis/client']);

    // A message sent on one process reaches a device on the other: only through Redis.
    const ann = await signUp(one.api.url, 'ann');
    const bob = await signUp(two.api.url, 'bob');
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'lazy' });
    await bob.api.room.join.mutate({ roomId: room.id });
    const received = new Promise<string>((resolve, reject) => {
      let live = false;
      const subscription = ann.api.events.onEvent.subscribe(
        { cursors: {}, resume: false },
        {
          onData: ({ data: event }) => {
            if (event.type === 'sync' && !live) {
              live = true;
              void bob.api.message.send.mutate({
                roomId: room.id,
                clientMsgId: 'lazy-1',
                body: 'through redis',
              });
            }
            if (event.type === 'message.created') {
              subscription.unsubscribe();
              resolve(event.message.body);
            }
          },
          onError: reject,
        },
      );
    });
    expect(await received).toBe('through redis');
    ann.close();
    bob.close();
  });
});
