import { LIMITS } from '@confab/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { errorOf, type RawAnswer, rawRequest } from '../__tests__/raw.js';
import { startServer, type TestServer } from '../__tests__/server.js';
import type { ChatServerConfig } from '../http/server.js';
import {
  DEFAULT_RATE_RULES,
  type RateKind,
  type RateRules,
  unreachableRateRules,
} from '../services/abuse-limits.js';
import { appRouter } from './root.js';

const PASSWORD = 'correct horse battery';

/** Procedures whose own service limits them (message sends); each is tested where it lives. */
const LIMITED_ELSEWHERE = new Set([
  'message.send', // the send bucket: limits.integration.test.ts
  'message.edit',
  'message.delete',
  'message.react', // the same bucket: reactions.integration.test.ts
  'message.pin',
  'auth.login', // sign-in rules: below
  'auth.loginWithCookie',
  'auth.logout', // ends the session it is called with: a second call has none to count
]);

describe('rate limits (findings 3 and 4)', () => {
  let db: TestDatabase | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await db?.drop();
  });

  async function start(rules: Partial<RateRules>, config: ChatServerConfig = {}) {
    db = sqliteDatabase();
    server = await startServer(db.url, { trustProxy: true, rateLimits: rules, ...config });
    return server.url;
  }

  /** A call as from `address` (the server trusts X-Forwarded-For here). */
  function call(
    url: string,
    path: string,
    input: unknown,
    from: { address: string; token?: string; method?: 'GET' | 'POST' },
  ): Promise<RawAnswer> {
    const headers: Record<string, string> = { 'X-Forwarded-For': from.address };
    if (from.token) headers.Authorization = `Bearer ${from.token}`;
    if ((from.method ?? 'POST') === 'GET')
      return rawRequest(url, {
        path: `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
        headers,
      });
    headers['Content-Type'] = 'application/json';
    return rawRequest(url, {
      method: 'POST',
      path: `/trpc/${path}`,
      headers,
      body: JSON.stringify(input),
    });
  }

  const login = (url: string, username: string, password: string, address: string) =>
    call(url, 'auth.login', { username, password }, { address });

  const tryRegister = (url: string, username: string, address: string) =>
    call(
      url,
      'auth.register',
      { username, displayName: username, password: PASSWORD },
      { address },
    );

  async function register(url: string, username: string, address: string): Promise<string> {
    const answer = await tryRegister(url, username, address);
    expect(answer.status).toBe(200);
    return (JSON.parse(answer.body) as { result: { data: { token: string } } }).result.data.token;
  }

  it('a GET batch of 4,000 calls and a POST batch of 300 logins are refused whole, before any runs', async () => {
    const url = await start(unreachableRateRules());
    const token = await register(url, 'batcher', '10.0.0.1');
    const mine = Array.from({ length: 4000 }, () => 'room.mine').join(',');
    const reads = await rawRequest(url, {
      path: `/trpc/${mine}?batch=1&input=%7B%7D`,
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(reads.status).toBe(400);
    expect(errorOf(reads).message).toBe(
      `A batch may carry at most ${LIMITS.httpBatchMax} calls (this one has 4000)`,
    );
    const logins = Array.from({ length: 300 }, () => 'auth.login').join(',');
    const body = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [i, { username: 'batcher', password: `guess ${i}` }]),
    );
    const guesses = await rawRequest(url, {
      method: 'POST',
      path: `/trpc/${logins}?batch=1`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(guesses.status).toBe(400);
    // None ran: the account has no failures counted and signs in at once.
    expect((await login(url, 'batcher', PASSWORD, '10.0.0.1')).status).toBe(200);
  });

  it('sign-ins per address: past the rule each attempt is RATE_LIMITED with retryAfterMs, other addresses unaffected', async () => {
    const rules = {
      ...unreachableRateRules(),
      loginPerAddress: DEFAULT_RATE_RULES.loginPerAddress,
    };
    const url = await start(rules);
    await register(url, 'target', '10.0.0.2');
    const { points } = DEFAULT_RATE_RULES.loginPerAddress;
    // A batch of the largest size: its calls are sign-ins for different accounts.
    const paths = Array.from({ length: LIMITS.httpBatchMax }, () => 'auth.login').join(',');
    const body = Object.fromEntries(
      Array.from({ length: LIMITS.httpBatchMax }, (_, i) => [
        i,
        { username: `nobody_${i}`, password: 'wrong password' },
      ]),
    );
    const answer = await rawRequest(url, {
      method: 'POST',
      path: `/trpc/${paths}?batch=1`,
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '10.6.6.6' },
      body: JSON.stringify(body),
    });
    const results = JSON.parse(answer.body) as {
      error: { data: { appCode: string; retryAfterMs?: number } };
    }[];
    const codes = results.map((r) => r.error.data.appCode);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(points);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(LIMITS.httpBatchMax - points);
    for (const r of results)
      if (r.error.data.appCode === 'RATE_LIMITED')
        expect(r.error.data.retryAfterMs).toBeGreaterThan(0);
    // The owner, from their own address, signs in.
    expect((await login(url, 'target', PASSWORD, '10.0.0.2')).status).toBe(200);
  });

  it('failed sign-ins back off per account and address, doubling; the owner elsewhere is not locked out', async () => {
    // Long enough that three failures land in one window however slow the machine (the window
    // is fixed: failures spread wider would each start a new one).
    const windowMs = 2_000;
    const url = await start({
      ...unreachableRateRules(),
      loginFailuresPerAccountAddress: { points: 3, windowMs },
    });
    await register(url, 'victim', '10.0.0.3');
    const attacker = '10.6.6.7';
    for (let i = 0; i < 3; i++)
      expect(errorOf(await login(url, 'victim', `guess ${i}`, attacker)).appCode).toBe(
        'INVALID_CREDENTIALS',
      );
    // Blocked: even the right password is refused from there (no oracle), with the wait.
    const blocked = await login(url, 'victim', PASSWORD, attacker);
    expect(blocked.status).toBe(429);
    const first = JSON.parse(blocked.body).error.data.retryAfterMs as number;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(windowMs);
    // The owner, from their own address, is not locked out.
    expect((await login(url, 'victim', PASSWORD, '10.0.0.3')).status).toBe(200);
    // After the wait, three more failures block again, for twice as long.
    await new Promise((resolve) => setTimeout(resolve, first + 50));
    for (let i = 0; i < 3; i++) await login(url, 'victim', `again ${i}`, attacker);
    const second = JSON.parse((await login(url, 'victim', PASSWORD, attacker)).body).error.data
      .retryAfterMs as number;
    expect(second).toBeGreaterThan(windowMs);
    expect(second).toBeLessThanOrEqual(2 * windowMs);
  });

  it('registrations per address are limited; another address still registers', async () => {
    const url = await start({
      ...unreachableRateRules(),
      registerPerAddress: { points: 3, windowMs: 60_000 },
    });
    for (let i = 0; i < 3; i++) await register(url, `farm_${i}`, '10.6.6.8');
    const refused = await tryRegister(url, 'farm_3', '10.6.6.8');
    expect(refused.status).toBe(429);
    expect(errorOf(refused).appCode).toBe('RATE_LIMITED');
    // Nothing was created: the name is free for someone else.
    await register(url, 'farm_3', '10.0.0.4');
  });

  it('IPv6 addresses of one /64 share the limits of one address; the next /64 has its own', async () => {
    const url = await start({
      ...unreachableRateRules(),
      registerPerAddress: { points: 3, windowMs: 60_000 },
    });
    // One host's /64, written three ways: one address each would be no limit at all.
    const farm = ['2001:db8:0:1::1', '2001:db8:0:1::2', '2001:DB8:0:1:ffff::9'];
    for (const [i, address] of farm.entries()) await register(url, `v6farm_${i}`, address);
    expect(errorOf(await tryRegister(url, 'v6farm_3', '2001:db8:0:1::3')).appCode).toBe(
      'RATE_LIMITED',
    );
    await register(url, 'v6farm_3', '2001:db8:0:2::1');
    // An IPv4 address is the same client written IPv4-mapped, as a dual-stack socket reports it.
    for (let i = 0; i < 3; i++) await register(url, `v4farm_${i}`, '192.0.2.7');
    expect(errorOf(await tryRegister(url, 'v4farm_3', '::ffff:192.0.2.7')).appCode).toBe(
      'RATE_LIMITED',
    );
  });

  it('wrong API keys back off per address', async () => {
    const url = await start(
      { ...unreachableRateRules(), apiKeyFailuresPerAddress: { points: 2, windowMs: 60_000 } },
      { apiKeys: ['k'.repeat(32)] },
    );
    const push = (key: string) =>
      rawRequest(url, {
        method: 'POST',
        path: '/trpc/push.broadcast',
        headers: {
          'Content-Type': 'application/json',
          'X-Api-Key': key,
          'X-Forwarded-For': '10.6.6.9',
        },
        body: JSON.stringify({ body: 'hello' }),
      });
    expect(errorOf(await push('guess-1')).appCode).toBe('INVALID_API_KEY');
    expect(errorOf(await push('guess-2')).appCode).toBe('INVALID_API_KEY');
    expect(errorOf(await push('k'.repeat(32))).appCode).toBe('RATE_LIMITED');
  });

  it('every query and mutation of the router is counted by a rate limit (the sweep)', async () => {
    // One call allowed per rule and key: the second call of any procedure must be refused.
    const oneEach = Object.fromEntries(
      (Object.keys(DEFAULT_RATE_RULES) as RateKind[]).map((kind) => [
        kind,
        { points: 1, windowMs: 60_000 },
      ]),
    ) as RateRules;
    // A key per procedure: API calls are counted per key.
    const keys = Array.from({ length: 64 }, (_, i) => `key-${i}-${'k'.repeat(24)}`);
    const url = await start(oneEach, { apiKeys: keys });
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: string } }
    >;
    const swept: string[] = [];
    let n = 0;
    for (const [path, procedure] of Object.entries(procedures)) {
      const type = procedure._def.type;
      if (type === 'subscription' || LIMITED_ELSEWHERE.has(path)) continue;
      n += 1;
      // A fresh user and address for each, so that only this procedure's calls count.
      const address = `10.1.${Math.floor(n / 250)}.${n % 250}`;
      const token = await register(url, `sweep_${n}`, `10.2.${Math.floor(n / 250)}.${n % 250}`);
      const method = type === 'query' ? 'GET' : 'POST';
      const from = { address, token, method } as const;
      const first = await callAs(path, from, keys[n] ?? '');
      const second = await callAs(path, from, keys[n] ?? '');
      expect(first.status, `${path}: the first call is not refused by a limit`).not.toBe(429);
      if (isApiKeyProcedure(path)) expect(errorOrNothing(first), path).not.toBe('INVALID_API_KEY');
      expect(errorOf(second).appCode, `${path}: the second call is refused`).toBe('RATE_LIMITED');
      swept.push(path);
    }
    expect(swept).toEqual(
      expect.arrayContaining([
        'room.create',
        'room.invite',
        'room.join',
        'room.leave',
        'room.update',
        'message.markRead',
        'presence.setActive',
        'auth.register',
        'room.setRetention',
        'account.export',
        'account.delete',
      ]),
    );

    function callAs(
      path: string,
      from: { address: string; token: string; method: 'GET' | 'POST' },
      key: string,
    ) {
      const headers: Record<string, string> = {
        'X-Forwarded-For': from.address,
        Authorization: `Bearer ${from.token}`,
      };
      if (isApiKeyProcedure(path)) headers['X-Api-Key'] = key;
      if (from.method === 'GET')
        return rawRequest(url, { path: `/trpc/${path}?input=%7B%7D`, headers });
      return rawRequest(url, {
        method: 'POST',
        path: `/trpc/${path}`,
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: '{}',
      });
    }
  });
});

/** The server-to-server procedures (API key, no session). */
function isApiKeyProcedure(path: string): boolean {
  return (
    path.startsWith('push.') ||
    path.startsWith('identity.') ||
    [
      'notifications.registerWebhook',
      'notifications.webhooks',
      'notifications.deleteWebhook',
      'notifications.stats',
    ].includes(path)
  );
}

/** The appCode of an error answer, or undefined for a success. */
function errorOrNothing(answer: RawAnswer): unknown {
  const parsed = JSON.parse(answer.body) as { error?: { data?: { appCode?: unknown } } };
  return parsed.error?.data?.appCode;
}
