import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration suites start servers and databases; two cores do not gain from more forks.
    maxWorkers: 2,
  },
});
