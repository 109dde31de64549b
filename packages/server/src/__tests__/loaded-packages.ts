import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Which npm packages a process has loaded, seen from outside the product: the test starts node
 * with `--import` of a module-loader hook (Node's module.register) that appends the URL of every
 * file the ESM loader loads to a log. Nothing in the product reports it.
 *
 * A file under node_modules names its package (an external like @node-rs/argon2). A file of the
 * bundle (main.js or one of its chunks) names the packages esbuild put in it: an unminified
 * esbuild output heads each module it inlines with a comment of its path, such as
 * `// ../../node_modules/.pnpm/undici@7.0.0/node_modules/undici/index.js`.
 */
export interface PackageLog {
  /** Node's arguments that install the hook (before the entry's path). */
  nodeArgs: string[];
  /** The packages loaded so far. */
  loaded(): Set<string>;
  /** Removes the log and the hook's files. */
  remove(): void;
}

/** The package a path under node_modules belongs to (its last node_modules segment). */
const PACKAGE_IN_PATH = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//;
/** esbuild's heading of an inlined module: a comment line holding its path. */
const INLINED_MODULE = /^\s*\/\/ \S*node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\/\S*$/gm;

export function packageLog(): PackageLog {
  const dir = mkdtempSync(join(tmpdir(), 'confab-packages-'));
  const log = join(dir, 'loaded.log');
  writeFileSync(log, '');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return nextLoad(url, context);
}
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
`,
  );

  return {
    nodeArgs: ['--import', pathToFileURL(register).href],
    loaded() {
      const packages = new Set<string>();
      const urls = new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
      for (const url of urls) {
        const path = fileURLToPath(url);
        const own = PACKAGE_IN_PATH.exec(path);
        if (own?.[1]) {
          packages.add(own[1]);
          continue;
        }
        if (!path.endsWith('.js')) continue;
        for (const match of readFileSync(path, 'utf8').matchAll(INLINED_MODULE)) {
          if (match[1]) packages.add(match[1]);
        }
      }
      return packages;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
