import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * The examples' suite: examples/browser-page and examples/react-app installed from the packed
 * SDK, built (examples/global-setup.ts), and driven in Chromium against the built API process.
 * Run after the other suites: `playwright test -c examples.config.ts`.
 */
export default defineConfig({
  testDir: './examples',
  globalSetup: './examples/global-setup.ts',
  globalTeardown: ['./examples/global-teardown.ts', './fixtures/global-teardown.ts'],
  fullyParallel: false,
  // Each spec starts its own API process and the example's server: one at a time.
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
  projects: [{ name: 'chromium-examples' }],
});
