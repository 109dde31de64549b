import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** The line of public/sw.js the build replaces with this deployment's shell. */
const PLACEHOLDER = /^const APP_SHELL = \{ version: '', files: \[\] \};$/m;

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/**
 * Writes the app shell into the built service worker (dist/sw.js): index.html and every hashed
 * file under assets/, and a version that changes whenever any of them does (the hashed names
 * change with their bytes, so index.html's bytes and the names cover everything). A new version
 * makes a new sw.js, which is what makes browsers install the new worker and replace the cache.
 */
export async function writeAppShell(outDir: string): Promise<{ version: string; files: string[] }> {
  const assets = (await filesUnder(join(outDir, 'assets')))
    .map((path) => `/assets/${path.split(sep).join('/')}`)
    .sort();
  const files = ['/index.html', ...assets];
  const hash = createHash('sha256');
  hash.update(await readFile(join(outDir, 'index.html')));
  for (const file of assets) hash.update(`\n${file}`);
  const version = hash.digest('hex').slice(0, 16);

  const workerPath = join(outDir, 'sw.js');
  const worker = await readFile(workerPath, 'utf8');
  if (!PLACEHOLDER.test(worker))
    throw new Error(`${workerPath} has no "const APP_SHELL = { version: '', files: [] };" line`);
  const shell = `const APP_SHELL = ${JSON.stringify({ version, files })};`;
  await writeFile(workerPath, worker.replace(PLACEHOLDER, shell));
  return { version, files };
}
