import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The quick bench starts a server process per system and connects a few hundred sockets.
    testTimeout: 60_000,
  },
});
