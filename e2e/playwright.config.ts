import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { e2ePort } from './fixtures/port';
import { chromiumLaunchOptions } from './fixtures/serial-suite';

/**
 * Runs against the BUILT apps: build first with
 *   pnpm --filter @confab/web build && pnpm --filter @confab/api build
 * The API serves apps/web/dist on its own port, so one server is the whole product.
 */
const port = e2ePort();
const baseURL = `http://127.0.0.1:${port}`;
// A fresh SQLite database per run, so usernames and rooms never collide with an earlier run.
// Playwright loads this file again in every worker; they inherit the runner's env, so the
// directory is made once.
process.env.CONFAB_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'confab-e2e-'));
const dataDir = process.env.CONFAB_E2E_DATA_DIR;

export default defineConfig({
  testDir: './tests',
  globalTeardown: './fixtures/global-teardown.ts',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: 'list',
  // Failure guards, not speed goals: two workers on this 2-core machine each drive two or three
  // browser contexts and share the server, and a chat test that takes 10 s alone took 29 s
  // beside the others (measured). Speed is measured in bench/, not asserted here.
  timeout: 90_000,
  expect: { timeout: 15_000 },
  forbidOnly: Boolean(process.env.CI),
  use: {
    baseURL,
    // Recording a trace for every test (kept only on failure) costs almost half the suite's
    // time on two cores (measured: 137 s against 75 s for threads, room-admin and chat). A
    // failure keeps its screenshot and the error; E2E_TRACE=retain-on-failure records traces
    // again when a failure needs one.
    trace: process.env.E2E_TRACE === 'retain-on-failure' ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: 'node ../apps/api/dist/main.js',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: join(dataDir, 'confab.db'),
      // A line per request would bury the test report; warnings and errors still show.
      LOG_LEVEL: 'warn',
      // Every test's users sign up and in from 127.0.0.1: count them as the many people they
      // play. The limits themselves are tested against a server with its defaults.
      RATE_LIMITS: JSON.stringify({
        registerPerAddress: { points: 100_000, windowMs: 60_000 },
        loginPerAddress: { points: 100_000, windowMs: 60_000 },
        publicPerAddress: { points: 100_000, windowMs: 60_000 },
      }),
    },
  },
});
