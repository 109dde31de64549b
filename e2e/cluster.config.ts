import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * The cluster suite: Chromium against API processes on PostgreSQL and Redis behind nginx, a
 * cluster per test (cluster/cluster.ts; the built apps/api and apps/web, as for the main suite).
 * Run after it: `playwright test -c cluster.config.ts`.
 */
export default defineConfig({
  testDir: './cluster',
  // playwright.config.ts (loaded above for its launch options) makes a SQLite directory.
  globalTeardown: './fixtures/global-teardown.ts',
  fullyParallel: false,
  // A cluster is three processes and nginx, and the tests kill some: one test at a time.
  workers: 1,
  retries: 0,
  reporter: 'list',
  // Failure guards sized as the main suite's (see playwright.config.ts).
  timeout: 120_000,
  expect: { timeout: 15_000 },
  forbidOnly: Boolean(process.env.CI),
  use: {
    trace: 'retain-on-failure',
    // The same Debian Chromium and flags as the main suite.
    launchOptions: base.use?.launchOptions,
  },
  projects: [{ name: 'chromium-cluster' }],
});
