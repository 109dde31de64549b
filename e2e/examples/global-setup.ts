import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkAndBuild,
  installExample,
  packSdkFor,
} from '../../packages/client/src/__tests__/examples';

/**
 * The browser examples as a user gets them: the SDK packed, each example copied out of the
 * repository, installed with npm, type-checked (its wrong calls must not compile) and built by
 * its own scripts. The specs find them under CONFAB_EXAMPLES_DIR (workers inherit the env).
 */
export default function globalSetup(): void {
  const workdir = mkdtempSync(join(tmpdir(), 'confab-examples-e2e-'));
  process.env.CONFAB_EXAMPLES_DIR = workdir;
  packSdkFor(workdir);
  for (const name of ['browser-page', 'react-app'] as const) {
    checkAndBuild(installExample(workdir, name));
  }
}
