import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminRun, buildAdminBundle, runAdmin } from '../__tests__/admin-cli.js';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import { connect, startServer, type TestServer } from '../__tests__/server.js';
import { createStoreFromUrl } from '../adapters/kysely/store.js';
import type { Store } from '../ports/store.js';

const PASSWORD = 'correct horse battery';

/** The error code a tRPC call failed with. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return (error as { data?: { appCode?: string } }).data?.appCode ?? String(error);
  }
}

// Each admin command, run as the built CLI in a child process against a real database, with a
// server running on the same database to see what users and apps would see.
describe.each(ENGINES)('admin command line on $name', { timeout: 60_000 }, ({ create }) => {
  let bundle: Awaited<ReturnType<typeof buildAdminBundle>>;
  let db: TestDatabase;
  let server: TestServer;
  let store: Store;
  const confab = (args: string[], stdin = '') =>
    runAdmin(bundle.path, { DATABASE_URL: db.url }, args, stdin);

  beforeAll(async () => {
    bundle = await buildAdminBundle('commands');
    db = await create();
    server = await startServer(db.url);
    store = await createStoreFromUrl(db.url);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await server?.close();
    await db?.drop();
    bundle?.remove();
  });

  function login(username: string, password: string, deviceLabel = 'laptop') {
    const anonymous = connect(server.url);
    return anonymous.api.auth.login.mutate({ username, password, deviceLabel }).finally(() => {
      anonymous.close();
    });
  }

  const failed = (run: AdminRun, code: number, message: string) => {
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  };

  it('user create: from stdin or generated; refuses taken names and invalid input', async () => {
    const made = await confab(
      ['user', 'create', 'Ann_Admin', '--display-name', 'Ann A.', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const user = await store.userByUsername('ann_admin');
    expect(made.stdout).toBe(`Created user ann_admin (id ${user?.id})\n`);
    expect(user?.displayName).toBe('Ann A.');
    expect((await login('ann_admin', PASSWORD)).user.username).toBe('ann_admin');

    const generated = await confab(['user', 'create', 'gen_admin']);
    expect(generated.code).toBe(0);
    const password = /^Password \(shown once\): (\S+)$/m.exec(generated.stdout)?.[1] ?? '';
    expect(password).toHaveLength(24);
    expect((await login('gen_admin', password)).user.displayName).toBe('gen_admin');

    failed(await confab(['user', 'create', 'ann_admin'], ''), 1, 'username ann_admin is taken');
    failed(await confab(['user', 'create', 'a b']), 2, 'username: Username may contain only');
    failed(
      await confab(['user', 'create', 'weak_admin', '--password-stdin'], 'password1\n'),
      2,
      'most common passwords',
    );
    failed(
      await confab(['user', 'create', 'short_admin', '--password-stdin'], 'x\n'),
      2,
      'password: Password needs at least',
    );
    failed(await confab(['user', 'create']), 2, 'missing <username>');
    failed(
      await confab(['user', 'create', 'x_admin', '--pasword']),
      2,
      "Unknown option '--pasword'",
    );
    expect(await store.userByUsername('weak_admin')).toBeUndefined();
    expect(await store.userByUsername('a b')).toBeUndefined();
  });

  it('sessions list and revoke: one session by id, then all; a revoked token is refused', async () => {
    await confab(['user', 'create', 'sam_admin', '--password-stdin'], PASSWORD);
    const phone = await login('sam_admin', PASSWORD, 'phone');
    const laptop = await login('sam_admin', PASSWORD, 'laptop');
    const tablet = await login('sam_admin', PASSWORD, 'tablet');

    const listed = await confab(['sessions', 'list', 'sam_admin']);
    expect(listed.code).toBe(0);
    const rows = listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(rows.map((r) => [r[0], r[1], r[4]]).sort()).toEqual(
      [
        [phone.session.id, 'live', 'phone'],
        [laptop.session.id, 'live', 'laptop'],
        [tablet.session.id, 'live', 'tablet'],
      ].sort(),
    );

    const one = await confab(['sessions', 'revoke', 'sam_admin', phone.session.id]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('1 session(s) of sam_admin revoked');
    // Never used before, so no server has it cached: refused at once.
    expect(await codeOf(connect(server.url, phone.token).api.auth.sessions.query())).toBe(
      'SESSION_REVOKED',
    );
    failed(
      await confab(['sessions', 'revoke', 'sam_admin', phone.session.id]),
      1,
      `sam_admin has no live session ${phone.session.id}`,
    );
    failed(
      await confab(['sessions', 'revoke', 'sam_admin']),
      2,
      'name one <session-id>, or pass --all',
    );
    failed(
      await confab(['sessions', 'revoke', 'sam_admin', 'x', '--all']),
      2,
      'name one <session-id>, or pass --all',
    );
    failed(await confab(['sessions', 'list', 'nobody_admin']), 1, 'no user named nobody_admin');

    const all = await confab(['sessions', 'revoke', 'sam_admin', '--all']);
    expect(all.stdout).toContain('2 session(s) of sam_admin revoked');
    expect(await codeOf(connect(server.url, tablet.token).api.auth.sessions.query())).toBe(
      'SESSION_REVOKED',
    );
    expect((await confab(['sessions', 'list', 'sam_admin'])).stdout).toBe(
      'sam_admin has no sessions\n',
    );
  });

  it('user reset-password: the old password stops working and every session is revoked', async () => {
    await confab(['user', 'create', 'rita_admin', '--password-stdin'], PASSWORD);
    const before = await login('rita_admin', PASSWORD);
    await login('rita_admin', PASSWORD, 'phone');

    const reset = await confab(
      ['user', 'reset-password', 'rita_admin', '--password-stdin'],
      'a brand new passphrase\n',
    );
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('Password of rita_admin reset; 2 session(s) revoked');
    expect(await codeOf(login('rita_admin', PASSWORD))).toBe('INVALID_CREDENTIALS');
    expect((await login('rita_admin', 'a brand new passphrase')).user.username).toBe('rita_admin');
    expect(await codeOf(connect(server.url, before.token).api.auth.sessions.query())).toBe(
      'SESSION_REVOKED',
    );
    failed(
      await confab(['user', 'reset-password', 'nobody_admin']),
      1,
      'no user named nobody_admin',
    );
  });

  it('api-key create, list, revoke: the push API takes the key until it is revoked', async () => {
    const broadcast = (key: string) =>
      fetch(`${server.url}/trpc/push.broadcast`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Api-Key': key },
        body: JSON.stringify({ body: 'maintenance at noon' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));

    const made = await confab(['api-key', 'create', 'billing app']);
    expect(made.code).toBe(0);
    const id = /^id (\S+)$/m.exec(made.stdout)?.[1] ?? '';
    const key = /^key (confab_\S+)$/m.exec(made.stdout)?.[1] ?? '';
    expect(key).toHaveLength('confab_'.length + 43);
    expect(await broadcast(key)).toEqual({ status: 200, body: { result: { data: { ok: true } } } });

    const listed = await confab(['api-key', 'list']);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(id)) ?? '';
    expect(line.split('\t')).toEqual([id, 'live', expect.any(String), 'billing app']);
    expect(listed.stdout).not.toContain(key);

    const revoked = await confab(['api-key', 'revoke', id]);
    expect(revoked.stdout).toBe(`API key ${id} revoked\n`);
    const refused = await broadcast(key);
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.body)).toContain('"appCode":"INVALID_API_KEY"');
    expect((await confab(['api-key', 'list'])).stdout).toMatch(
      new RegExp(`^${id}\\trevoked \\d{4}-`, 'm'),
    );
    failed(await confab(['api-key', 'revoke', id]), 1, `no live API key with id ${id}`);
    // An id may start with "--" (1 in 4,096): it is read as the id, not as an unknown option.
    failed(
      await confab(['api-key', 'revoke', '--No_such_key']),
      1,
      'no live API key with id --No_such_key',
    );
    failed(await confab(['api-key', 'create', '']), 2, 'name: name the key');
  });

  it('retention run applies the default to rooms without their own; --help and unknown commands', async () => {
    // Three messages 40 days old and one from now, in a room with no retention of its own.
    const at = Date.now();
    const old = at - 40 * 86_400_000;
    await store.createUser({
      id: 'u-ret',
      username: 'ret_admin',
      displayName: 'r',
      passwordHash: 'x',
      createdAt: old,
    });
    await store.createRoom(
      { id: 'r-ret', kind: 'public', name: 'old', topic: '', createdAt: old },
      [{ userId: 'u-ret', role: 'owner' }],
    );
    for (const [i, when] of [old, old + 1, old + 2, at].entries())
      await store.appendMessage({
        id: `m-ret-${i}`,
        roomId: 'r-ret',
        authorId: 'u-ret',
        clientMsgId: `c${i}`,
        body: `b${i}`,
        at: when,
      });
    const none = await confab(['retention', 'run']);
    expect(none.stdout).toBe(
      'Retention applied: 0 messages and 0 log entries deleted in 0 rooms\n',
    );
    const ran = await confab(['retention', 'run', '--default-days', '30']);
    expect(ran.stderr).toBe('');
    // The room's member.joined and the three old messages.
    expect(ran.stdout).toBe('Retention applied: 3 messages and 4 log entries deleted in 1 rooms\n');
    expect((await store.history('r-ret', { limit: 10 })).messages.map((m) => m.body)).toEqual([
      'b3',
    ]);
    failed(await confab(['retention', 'run', '--default-days', '0']), 2, 'default-days');
    for (const name of [
      'user create',
      'user reset-password',
      'sessions list',
      'sessions revoke',
      'api-key create',
      'api-key list',
      'api-key revoke',
      'retention run',
      'backup',
      'restore',
    ]) {
      const help = await confab([...name.split(' '), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: confab ${name} `));
    }
    const general = await confab(['--help']);
    expect(general.code).toBe(0);
    expect(general.stdout).toContain('user reset-password');
    const unknown = await confab(['users', 'create']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command: users create');
  });
});

describe('admin command line without a database', () => {
  it('refuses a SQLite path that does not exist rather than making an empty database', async () => {
    const bundle = await buildAdminBundle('missing');
    try {
      const run = await runAdmin(bundle.path, { DATABASE_URL: '/nonexistent/confab.db' }, [
        'api-key',
        'list',
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('no SQLite database at /nonexistent/confab.db');
    } finally {
      bundle.remove();
    }
  }, 60_000);
});
