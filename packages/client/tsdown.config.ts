import { defineConfig } from 'tsdown';

// Builds what npm users get (dist/); inside the monorepo apps import src/ directly (exports), and
// pnpm pack swaps in publishConfig.exports. One bundle per entry (every module of the SDK is
// needed by createChatClient); @confab/contracts, @trpc/client and zod stay external (peers).
export default defineConfig({
  // The browser SDK, and the server-side push client (@confab/client/push) for other backends.
  entry: ['src/index.ts', 'src/push.ts'],
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  dts: true,
  clean: true,
});
