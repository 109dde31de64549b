#!/usr/bin/env node
// Type-checks every ```ts and ```tsx block of README.md and packages/*/README.md, so a snippet
// cannot rot: each block becomes a module of its own and tsc (the package's, with its strict
// tsconfig) checks it. Errors are reported at the README's line.
//
// Where a block is checked: a package README's blocks in that package; the root README's blocks
// in @confab/react when they import React, else in @confab/client. The check runs from
// <package>/node_modules/.snippets (git and Biome ignore it) so that `ws`, `eventsource`, `react`
// resolve as the package's own dependencies; @confab/* resolve to their sources, as in the apps.
//
// A snippet may use these placeholders without declaring them (values an app has anyway):
//   url: string, roomId: string, token: string, save(value): void
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(root, 'packages');

const PLACEHOLDERS = `// Values a README snippet may use without declaring them (scripts/check-snippets.mjs).
declare const url: string;
declare const roomId: string;
declare const token: string;
declare function save(value: unknown): void;
`;

/** `{ '@confab/client': ['.../src/index.ts'], '@confab/client/push': [...] }` from exports. */
function sourcePaths() {
  const paths = {};
  for (const dir of readdirSync(packagesDir)) {
    const manifestPath = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target !== 'string' || !target.endsWith('.ts')) continue;
      paths[join(manifest.name, subpath)] = [join(packagesDir, dir, target)];
    }
  }
  return paths;
}

/** The ```ts / ```tsx blocks of a markdown file, with the line each starts on (1-based). */
function blocksOf(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  let open;
  lines.forEach((line, index) => {
    if (!open) {
      const fence = /^```(ts|tsx|typescript)\s*$/.exec(line);
      if (fence) open = { ext: fence[1] === 'tsx' ? 'tsx' : 'ts', firstLine: index + 2, code: [] };
    } else if (/^```\s*$/.test(line)) {
      blocks.push({ ...open, code: open.code.join('\n') });
      open = undefined;
    } else {
      open.code.push(line);
    }
  });
  return blocks;
}

const readmes = [join(root, 'README.md')];
for (const dir of readdirSync(packagesDir)) {
  const readme = join(packagesDir, dir, 'README.md');
  if (existsSync(readme)) readmes.push(readme);
}

/** Which package's folder checks a block (see the header). */
function homeOf(readme, code) {
  const own = relative(packagesDir, dirname(readme));
  if (!own.startsWith('..')) return own;
  return /from ['"](react|@confab\/react)['"]/.test(code) ? 'react' : 'client';
}

const byHome = new Map();
let count = 0;
for (const readme of readmes) {
  for (const block of blocksOf(readme)) {
    const home = homeOf(readme, block.code);
    const list = byHome.get(home) ?? [];
    list.push({ readme, ...block, file: `snippet-${++count}.${block.ext}` });
    byHome.set(home, list);
  }
}

const paths = sourcePaths();
let failed = false;
for (const [home, snippets] of byHome) {
  const packageDir = join(packagesDir, home);
  const out = join(packageDir, 'node_modules/.snippets');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'placeholders.d.ts'), PLACEHOLDERS);
  for (const snippet of snippets) writeFileSync(join(out, snippet.file), `${snippet.code}\n`);
  writeFileSync(
    join(out, 'tsconfig.json'),
    JSON.stringify({
      extends: join(packageDir, 'tsconfig.json'),
      // Snippets are app code, in a browser or Node: console and the DOM exist.
      compilerOptions: { paths, noEmit: true, lib: ['ES2023', 'DOM', 'DOM.Iterable'] },
      include: ['*.ts', '*.tsx'],
    }),
  );
  const tsc = join(packageDir, 'node_modules/.bin/tsc');
  const result = spawnSync(tsc, ['-p', join(out, 'tsconfig.json'), '--pretty', 'false'], {
    encoding: 'utf8',
  });
  const output = `${result.stdout}${result.stderr}`;
  for (const line of output.split('\n').filter(Boolean)) {
    const match = /^(?:.*\/)?(snippet-\d+\.tsx?)\((\d+),(\d+)\): (.*)$/.exec(line);
    const snippet = match && snippets.find((s) => s.file === match[1]);
    if (snippet) {
      const at = snippet.firstLine + Number(match[2]) - 1;
      console.error(`${relative(root, snippet.readme)}:${at}:${match[3]} ${match[4]}`);
    } else {
      console.error(line);
    }
  }
  if (result.status !== 0) failed = true;
  rmSync(out, { recursive: true, force: true });
}
(failed ? console.error : console.log)(
  `${count} TypeScript snippets in ${readmes.length} READMEs: ${failed ? 'errors above' : 'all compile'}`,
);
process.exit(failed ? 1 : 0);
