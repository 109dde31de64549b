import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The SDK as a registry would serve it: the three public packages packed with `pnpm pack`
// (which swaps in publishConfig.exports and turns workspace: ranges into versions). Shared by
// the published-package test and the examples' tests, so there is one way of packing.

const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const SDK_PACKAGES = ['contracts', 'client', 'react'] as const;
export type SdkPackage = (typeof SDK_PACKAGES)[number];

/**
 * Packs the three packages into `destination` as `confab-<name>.tgz` (the names the examples'
 * package.json files point at) and returns each tarball's path. Needs them built.
 */
export function packSdk(destination: string): Map<SdkPackage, string> {
  mkdirSync(destination, { recursive: true });
  const tarballs = new Map<SdkPackage, string>();
  for (const name of SDK_PACKAGES) {
    const dir = join(packagesDir, name);
    if (!existsSync(join(dir, 'dist/index.js')) || !existsSync(join(dir, 'dist/index.d.ts'))) {
      throw new Error(`packages/${name} is not built: run pnpm turbo run build first`);
    }
    const out = join(destination, `confab-${name}.tgz`);
    execFileSync('pnpm', ['pack', '--out', out], { cwd: dir, stdio: 'pipe' });
    if (!existsSync(out)) throw new Error(`pnpm pack wrote no tarball for ${name}`);
    tarballs.set(name, out);
  }
  return tarballs;
}

/** The version of `name` installed for packages/`from`: what the SDK was built against. */
export function versionOf(name: string, from: SdkPackage): string {
  const require = createRequire(join(packagesDir, from, 'package.json'));
  const manifest = require(`${name}/package.json`) as { version: string };
  return manifest.version;
}
