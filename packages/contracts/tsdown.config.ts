import { defineConfig } from 'tsdown';

// Builds what npm users get (dist/); inside the monorepo every package imports src/ directly
// (see README "Packages"). Dependencies stay external: tsdown reads them from package.json.
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  // One file per module, so a bundler drops what an app does not import (sideEffects: false):
  // the SDK needs the zod/mini send checks, not the classic schemas beside them.
  unbundle: true,
  dts: true,
  sourcemap: true,
  clean: true,
});
