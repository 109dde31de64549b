import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Property tests run thousands of cases: on a loaded machine they take seconds, and a slow
    // machine must not fail a test (vitest's default is 5 s).
    testTimeout: 60_000,
  },
});
