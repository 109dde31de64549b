// What every server bundle shares: apps/api/build.mjs (the API process, the admin command line)
// and the bench's server processes (bench/src/servers/bundle.ts), so the bench measures the
// process as production builds it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * esbuild options. Code splitting: what the server imports with import() (redis, pg, undici,
 * web-push, the common-passwords list; packages/server/src/lazy-modules.ts) becomes a chunk of
 * its own, read and compiled only once imported. Bundled CommonJS dependencies call require()
 * for Node built-ins, hence the banner (every chunk gets it). Written by writeAscii, not esbuild.
 */
export const serverBundleOptions = {
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
  write: false,
};

/** `text` with each non-ASCII character as a `\u{...}` escape (only comments still hold any). */
const asciiOnly = (text) =>
  text.replace(/[\u0080-\u{10ffff}]/gu, (char) => `\\u{${char.codePointAt(0).toString(16)}}`);

/**
 * Writes esbuild's output files, the code ASCII only: esbuild escapes non-ASCII characters in
 * strings, regexps and identifiers but keeps them in the comments it carries over, and one such
 * character makes V8 hold the whole source as UTF-16 (twice the bytes; 2.5 MB more heap for the
 * API's main.js). In a comment, `\u{2013}` is as inert as the dash.
 */
export async function writeAscii(outputFiles, isCode) {
  for (const file of outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, isCode(file.path) ? asciiOnly(file.text) : file.contents);
  }
}
