import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.js';

describe('the environment', () => {
  it('has defaults that run anywhere', () => {
    expect(parseEnv({})).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATABASE_URL: './data/confab.db',
      SECURE_COOKIES: false,
      API_KEYS: [],
      SENDS_PER_SECOND: 10,
      SEND_BURST: 20,
    });
  });

  it('parses what is set', () => {
    const env = parseEnv({
      PORT: '8080',
      API_KEYS: ' first-key-0123456789 , second-key-0123456789 ',
      SECURE_COOKIES: 'true',
    });
    expect(env.PORT).toBe(8080);
    expect(env.API_KEYS).toEqual(['first-key-0123456789', 'second-key-0123456789']);
    expect(env.SECURE_COOKIES).toBe(true);
  });

  it('message retention: off by default, hourly; RETENTION_DAYS is whole days from 1', () => {
    expect(parseEnv({})).toMatchObject({ RETENTION_INTERVAL_MS: 3_600_000 });
    expect(parseEnv({}).RETENTION_DAYS).toBeUndefined();
    expect(parseEnv({ RETENTION_DAYS: '30' }).RETENTION_DAYS).toBe(30);
    for (const RETENTION_DAYS of ['0', '1.5', 'forever'])
      expect(() => parseEnv({ RETENTION_DAYS })).toThrow(/RETENTION_DAYS: /);
  });

  it('refuses bad values with one clear message naming each variable', () => {
    expect(() => parseEnv({ PORT: 'eighty', API_KEYS: 'short', SECURE_COOKIES: 'yes' })).toThrow(
      /^Invalid environment:\n {2}PORT: .+\n {2}API_KEYS: each API key needs at least 16 characters\n {2}SECURE_COOKIES: .+$/,
    );
  });

  it('parses the hardening settings: origins, proxy, rate limits and connection caps as JSON', () => {
    const env = parseEnv({
      ALLOWED_ORIGINS: 'https://app.example.com, http://127.0.0.1:5173',
      TRUST_PROXY: '1',
      RATE_LIMITS: '{"loginPerAddress":{"points":5,"windowMs":60000}}',
      CONNECTION_LIMITS: '{"maxStreamsPerUser":50,"authTimeoutMs":5000}',
    });
    expect(env.ALLOWED_ORIGINS).toEqual(['https://app.example.com', 'http://127.0.0.1:5173']);
    expect(env.TRUST_PROXY).toBe(true);
    expect(env.RATE_LIMITS).toEqual({ loginPerAddress: { points: 5, windowMs: 60000 } });
    expect(env.CONNECTION_LIMITS).toEqual({ maxStreamsPerUser: 50, authTimeoutMs: 5000 });
    expect(parseEnv({})).toMatchObject({
      RATE_LIMITS: {},
      CONNECTION_LIMITS: {},
      ALLOWED_ORIGINS: [],
    });
  });

  it('refuses unknown limits, bad JSON and origins with a path', () => {
    expect(() => parseEnv({ RATE_LIMITS: '{"logins":{"points":5,"windowMs":60000}}' })).toThrow(
      /RATE_LIMITS/,
    );
    expect(() => parseEnv({ CONNECTION_LIMITS: '{"maxStreamsPerUser":0}' })).toThrow(
      /CONNECTION_LIMITS\.maxStreamsPerUser/,
    );
    expect(parseEnv({ RESPONSE_COMPRESSION: '{"minBytes":4096}' }).RESPONSE_COMPRESSION).toEqual({
      minBytes: 4096,
    });
    expect(() => parseEnv({ RESPONSE_COMPRESSION: '{"gzipLevel":12}' })).toThrow(
      /RESPONSE_COMPRESSION\.gzipLevel/,
    );
    expect(() => parseEnv({ CONNECTION_LIMITS: '{"nope":1}' })).toThrow(/CONNECTION_LIMITS/);
    // An IPv6 prefix is 1 to 128 bits.
    expect(parseEnv({ CONNECTION_LIMITS: '{"ipv6PrefixBits":48}' }).CONNECTION_LIMITS).toEqual({
      ipv6PrefixBits: 48,
    });
    expect(() => parseEnv({ CONNECTION_LIMITS: '{"ipv6PrefixBits":129}' })).toThrow(
      /CONNECTION_LIMITS\.ipv6PrefixBits/,
    );
    expect(parseEnv({ SEARCH_LIMITS: '{"scanMax":5000,"concurrent":2}' }).SEARCH_LIMITS).toEqual({
      scanMax: 5000,
      concurrent: 2,
    });
    expect(() => parseEnv({ SEARCH_LIMITS: '{"timeoutMs":0}' })).toThrow(
      /SEARCH_LIMITS\.timeoutMs/,
    );
    expect(() => parseEnv({ SEARCH_LIMITS: '{"scan":1}' })).toThrow(/SEARCH_LIMITS/);
    expect(() => parseEnv({ RATE_LIMITS: '{not json' })).toThrow(/RATE_LIMITS: must be JSON/);
    expect(() => parseEnv({ ALLOWED_ORIGINS: 'https://ok.example/path' })).toThrow(
      /ALLOWED_ORIGINS: each origin is scheme:\/\/host\[:port\]/,
    );
  });

  it('takes REDIS_URL with PostgreSQL, and refuses it with a SQLite file, saying why', () => {
    const env = parseEnv({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/confab',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(parseEnv({}).REDIS_URL).toBeUndefined();
    expect(() => parseEnv({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /^Invalid environment:\n {2}REDIS_URL: Redis fans out between several processes, which must share one PostgreSQL database/,
    );
    expect(() => parseEnv({ REDIS_URL: 'localhost:6379' })).toThrow(
      /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/,
    );
  });

  it('takes WORKERS > 1 only with PostgreSQL and Redis', () => {
    const shared = {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/confab',
      REDIS_URL: 'redis://127.0.0.1:6379',
    };
    expect(parseEnv({ ...shared, WORKERS: '4' }).WORKERS).toBe(4);
    expect(parseEnv({}).WORKERS).toBe(1);
    expect(() => parseEnv({ WORKERS: '2' })).toThrow(
      /^Invalid environment:\n {2}WORKERS: 2 processes share one PostgreSQL database and one Redis/,
    );
    expect(() => parseEnv({ WORKERS: '2', DATABASE_URL: shared.DATABASE_URL })).toThrow(/WORKERS/);
    expect(() => parseEnv({ WORKERS: '0' })).toThrow(/WORKERS/);
  });

  it('CORS is off unless origins are listed; JWTs need a secret or a JWKS URL, and an audience', () => {
    expect(parseEnv({}).CORS_ORIGINS).toEqual([]);
    expect(
      parseEnv({ CORS_ORIGINS: 'https://app.example.com ,http://localhost:5173' }).CORS_ORIGINS,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(() => parseEnv({ CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(
      /CORS_ORIGINS/,
    );
    const secret = 's'.repeat(32);
    expect(parseEnv({ JWT_SECRET: secret, JWT_AUDIENCE: 'confab' })).toMatchObject({
      JWT_SECRET: secret,
      JWT_AUDIENCE: 'confab',
    });
    expect(() => parseEnv({ JWT_SECRET: secret })).toThrow(/JWT_AUDIENCE: accepted JWTs must name/);
    expect(() => parseEnv({ JWT_SECRET: 'short', JWT_AUDIENCE: 'confab' })).toThrow(/JWT_SECRET/);
    expect(() =>
      parseEnv({
        JWT_SECRET: secret,
        JWT_JWKS_URL: 'https://id.example.com/jwks.json',
        JWT_AUDIENCE: 'confab',
      }),
    ).toThrow(/set one of them, not both/);
  });
});
