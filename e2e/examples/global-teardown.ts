import { rmSync } from 'node:fs';

/** Removes the examples' install folder (made by global-setup.ts). */
export default function globalTeardown(): void {
  const dir = process.env.CONFAB_EXAMPLES_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
