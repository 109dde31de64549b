import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The quick bench starts a server process per system and connects a few hundred sockets:
    // ~59 s on a loaded 2-core machine (measured), so the guard is three times that. It checks
    // that every workload runs and delivers; speed is what the full bench reports.
    testTimeout: 180_000,
  },
});
