import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSdk, SDK_PACKAGES, type SdkPackage, versionOf } from './__tests__/packed-sdk.js';

// The SDK as another app gets it: @confab/contracts, @confab/client and @confab/react packed with
// `pnpm pack` (what a registry would serve), installed with npm into a folder outside the
// workspace, then type-checked with the app's strict settings and loaded by Node. Needs the
// packages built (turbo runs their build before this test) and the npm registry.

const here = dirname(fileURLToPath(import.meta.url));
const fixture = resolve(here, '../consumer-fixture');
const tsc = resolve(here, '../node_modules/.bin/tsc');

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let app = '';
let tarballs = new Map<SdkPackage, string>();

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'confab-sdk-consumer-'));
  tarballs = packSdk(app);
  cpSync(fixture, app, { recursive: true });
  const manifest = {
    name: 'confab-sdk-consumer',
    private: true,
    type: 'module',
    dependencies: {
      '@confab/contracts': `file:${tarballs.get('contracts')}`,
      '@confab/client': `file:${tarballs.get('client')}`,
      '@confab/react': `file:${tarballs.get('react')}`,
      '@trpc/client': versionOf('@trpc/client', 'client'),
      '@trpc/server': versionOf('@trpc/server', 'client'),
      zod: versionOf('zod', 'client'),
      react: versionOf('react', 'react'),
      '@types/react': versionOf('@types/react', 'react'),
    },
  };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  const install = run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    app,
  );
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.output}`);
}, 300_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

/** Runs tsc on one file of the fixture with its strict tsconfig. */
function typecheck(file: string) {
  const config = join(app, `tsconfig.${file}.json`);
  writeFileSync(config, JSON.stringify({ extends: './tsconfig.json', files: [file] }));
  return run(tsc, ['-p', config, '--pretty', 'false'], app);
}

describe('the SDK packed and installed in another app', () => {
  it('ships built JavaScript, declarations and a README, with real versions and no sources', () => {
    for (const name of SDK_PACKAGES) {
      const files = execFileSync('tar', ['tzf', tarballs.get(name) ?? ''])
        .toString()
        .split('\n');
      const shipped = files.filter(Boolean).sort();
      expect(shipped.filter((f) => !f.startsWith('package/dist/'))).toEqual([
        'package/CHANGELOG.md',
        'package/README.md',
        'package/package.json',
      ]);
      expect(shipped).toContain('package/dist/index.js');
      expect(shipped).toContain('package/dist/index.d.ts');
      expect(shipped.filter((f) => /\.test\.|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);

      const manifest = JSON.parse(
        readFileSync(join(app, 'node_modules/@confab', name, 'package.json'), 'utf8'),
      ) as Record<string, unknown>;
      expect(manifest.private).toBeUndefined();
      expect(manifest.sideEffects).toBe(false);
      expect(manifest.exports).toEqual({
        '.': { types: './dist/index.d.ts', import: './dist/index.js' },
        ...(name === 'client' && {
          './push': { types: './dist/push.d.ts', import: './dist/push.js' },
        }),
        './package.json': './package.json',
      });
      expect(JSON.stringify(manifest)).not.toMatch(/workspace:|catalog:/);
    }
  });

  it('type-checks an app that calls the API through the SDK and through @trpc/client', () => {
    const { status, output } = typecheck('good.ts');
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('refuses a procedure name the API does not have', () => {
    const { status, output } = typecheck('bad-procedure.ts');
    expect(status).not.toBe(0);
    expect(output.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^bad-procedure\.ts\(6,\d+\): error TS(2339|2551): Property 'sendd' does not exist/,
      ),
    ]);
  });

  it('refuses an input of the wrong type', () => {
    const { status, output } = typecheck('bad-input.ts');
    expect(status).not.toBe(0);
    expect(output.trim().split('\n')[0]).toMatch(
      /^bad-input\.ts\(5,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/,
    );
  });

  it('loads in Node 20 from the built JavaScript', () => {
    const { status, output } = run('node', ['node-import.mjs'], app);
    expect(status).toBe(0);
    expect(JSON.parse(output)).toEqual({
      createChatClient: 'function',
      bodyMaxChars: 4000,
      useMessages: 'function',
    });
  });
});
