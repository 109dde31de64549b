import { defineConfig } from 'tsdown';

// Builds what npm users get (dist/); inside the monorepo apps import src/ directly (exports), and
// pnpm pack swaps in publishConfig.exports. react, @confab/client and @confab/contracts stay
// external (package.json), so an app's one React and one SDK are the ones these hooks use.
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
});
