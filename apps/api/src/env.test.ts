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

  it('refuses bad values with one clear message naming each variable', () => {
    expect(() => parseEnv({ PORT: 'eighty', API_KEYS: 'short', SECURE_COOKIES: 'yes' })).toThrow(
      /^Invalid environment:\n {2}PORT: .+\n {2}API_KEYS: each API key needs at least 16 characters\n {2}SECURE_COOKIES: .+$/,
    );
  });
});
