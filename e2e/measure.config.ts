import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * Measurements, not tests (not part of the `e2e` run): the time to the sign-in form on a
 * throttled link, with the web app served compressed and as it was before (the same build
 * without its .br/.gz files). Build first, then:
 *   cd e2e && pnpm exec playwright test -c measure.config.ts
 * It prints a table (and writes it to $MEASURE_OUT when set); docs/operations.md keeps the figure.
 */
const compressedPort = Number(process.env.MEASURE_PORT ?? 4417);
const plainPort = compressedPort + 1;

// A copy of the build with no precompressed variants: what the server sent before.
process.env.CONFAB_MEASURE_PLAIN_DIST ??= (() => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-plain-dist-'));
  cpSync(join(import.meta.dirname, '../apps/web/dist'), dir, { recursive: true });
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (/\.(br|gz)$/.test(entry.name)) rmSync(join(entry.parentPath, entry.name));
  return dir;
})();
process.env.CONFAB_MEASURE_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'confab-measure-'));
const dataDir = process.env.CONFAB_MEASURE_DATA_DIR;

const server = (port: number, webDist: string | undefined, name: string) => ({
  command: 'node ../apps/api/dist/main.js',
  url: `http://127.0.0.1:${port}/healthz`,
  reuseExistingServer: false,
  timeout: 30_000,
  env: {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: join(dataDir, `${name}.db`),
    ...(webDist ? { WEB_DIST: webDist } : {}),
  },
});

export default defineConfig({
  ...base,
  testDir: './measure',
  testMatch: '*.ts',
  workers: 1,
  timeout: 600_000,
  use: { ...base.use, baseURL: undefined },
  webServer: [
    server(compressedPort, undefined, 'compressed'),
    server(plainPort, process.env.CONFAB_MEASURE_PLAIN_DIST, 'plain'),
  ],
  metadata: { compressedPort, plainPort },
});
