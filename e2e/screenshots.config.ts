import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * Takes the README's screenshots from the running app (not part of the `e2e` run):
 *   pnpm --filter @confab/e2e screenshots
 * They are written to docs/screenshots/*.png.
 */
export default defineConfig({
  ...base,
  testDir: './screenshots',
  testMatch: 'take.ts',
  workers: 1,
  timeout: 180_000,
});
