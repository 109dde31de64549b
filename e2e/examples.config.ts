import { serialSuite } from './fixtures/serial-suite';

/**
 * The examples' suite: examples/browser-page and examples/react-app installed from the packed
 * SDK, built (examples/global-setup.ts), and driven in Chromium against the built API process.
 * Run after the other suites: `playwright test -c examples.config.ts`. Each spec starts its own
 * API process and the example's server: one at a time.
 */
export default serialSuite({
  testDir: './examples',
  globalSetup: './examples/global-setup.ts',
  globalTeardown: './examples/global-teardown.ts',
  project: 'chromium-examples',
});
