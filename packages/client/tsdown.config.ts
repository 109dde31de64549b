import { defineConfig } from 'tsdown';

// Builds what npm users get (dist/); inside the monorepo apps import src/ directly (exports), and
// pnpm pack swaps in publishConfig.exports. One bundle: every module of the SDK is needed by
// createChatClient; @confab/contracts, @trpc/client and zod stay external (package.json).
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  dts: true,
  clean: true,
});
