import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiBundle, startApi } from '../__tests__/api-process.js';
import { freeLoopbackPort } from '../__tests__/redis-server.js';

describe('the API process at start', () => {
  let bundle: { path: string; remove(): void };
  beforeAll(async () => {
    bundle = await buildApiBundle('startup');
  }, 120_000);
  afterAll(() => bundle?.remove());

  it('prints the cause and exits 1 when the database refuses the connection', async () => {
    const closedPort = await freeLoopbackPort();
    await expect(
      startApi(bundle.path, {
        PORT: '0',
        DATABASE_URL: `postgres://postgres@localhost:${closedPort}/confab`,
      }),
    ).rejects.toThrow(
      new RegExp(`exited \\(1\\):\\nConfab could not start: .*ECONNREFUSED .*:${closedPort}`),
    );
  }, 60_000);

  it('prints which setting is wrong and exits 1 on a bad LOG_LEVEL or METRICS_TOKEN', async () => {
    await expect(
      startApi(bundle.path, { PORT: '0', LOG_LEVEL: 'loud', METRICS_TOKEN: 'short' }),
    ).rejects.toThrow(
      /exited \(1\):\nConfab could not start: Invalid environment:\n {2}LOG_LEVEL: .*\n {2}METRICS_TOKEN: needs at least 16 characters/,
    );
  }, 60_000);
});
