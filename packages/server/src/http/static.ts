import { createReadStream, type Stats } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { type Coding, negotiateCoding } from './accept-encoding.js';
import { type SecurityHeaderOptions, setPageSecurityHeaders } from './security-headers.js';
import { createStaticFileCache, type StaticFileCacheOptions } from './static-files.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * A validator for one file as sent: its size and modification time, and the coding, so the
 * brotli, gzip and plain bytes of one file never share an ETag (RFC 9110 §8.8.3).
 */
function entityTag(info: Stats, coding: Coding): string {
  const base = `${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}`;
  return coding === 'identity' ? `"${base}"` : `"${base}-${coding}"`;
}

/** Whether `If-None-Match` names this tag (weak comparison, as for GET and HEAD). */
function matches(ifNoneMatch: string | undefined, tag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((candidate) => candidate.trim().replace(/^W\//, ''))
    .some((candidate) => candidate === '*' || candidate === tag);
}

/** The path of a request URL, decoded; undefined when its %-escapes are not UTF-8. */
function decodedPath(url: string | undefined): string | undefined {
  try {
    return decodeURIComponent(new URL(url ?? '/', 'http://x').pathname);
  } catch {
    return undefined;
  }
}

/** The answer is destroyed by pipeline(); there is nothing else to undo. */
const ignoreFailure = () => {};

/**
 * Serves a built single-page app: files under `root`, and index.html for any other GET (the
 * app routes on the client). Vite's hashed files under /assets/ are cached for a year. Every
 * response carries the page security headers (CSP, framing, HSTS when `secure`). A file built
 * with brotli or gzip variants beside it goes out in the coding `Accept-Encoding` takes best,
 * compressed once at build time rather than on every request. Files are read from memory,
 * reread from disk at most once a second (static-files.ts).
 */
export function createStaticHandler(
  root: string,
  options: SecurityHeaderOptions & { files?: Partial<StaticFileCacheOptions> } = {},
) {
  const base = resolve(root);
  const index = join(base, 'index.html');
  const files = createStaticFileCache(options.files);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setPageSecurityHeaders(res, options);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = decodedPath(req.url);
    if (pathname === undefined) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Malformed URL');
      return;
    }
    let path = normalize(join(base, pathname));
    // Refuse anything that escapes the root (../, encoded or not).
    if (path !== base && !path.startsWith(base + sep)) {
      res.writeHead(404).end();
      return;
    }
    // A path ending in / names a directory, never a file: the page, without asking the disk.
    let file = pathname.endsWith('/') ? undefined : await files.get(path);
    if (!file) {
      path = index;
      file = await files.get(path);
      if (!file) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('The web app is not built');
        return;
      }
    }
    const { plain, variants } = file;
    // The precompressed variant the client takes best.
    const coding = negotiateCoding(req.headers['accept-encoding'], [...variants.keys()]);
    const sent = (coding === 'identity' ? undefined : variants.get(coding)) ?? plain;
    const tag = entityTag(sent.info, coding);
    const headers: OutgoingHttpHeaders = {
      'Cache-Control': pathname.startsWith('/assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
      ETag: tag,
      // Only where there is a choice: a cache must then keep one copy per Accept-Encoding.
      ...(variants.size > 0 ? { Vary: 'Accept-Encoding' } : {}),
    };
    if (matches(req.headers['if-none-match'], tag)) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'Content-Length': sent.info.size,
      ...(coding === 'identity' ? {} : { 'Content-Encoding': coding }),
      ...headers,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (sent.bytes) {
      res.end(sent.bytes);
      return;
    }
    // A file too large to hold, or one that could not be read after its stat (removed by a
    // deploy, no descriptor left): streamed, and a failure ends this answer only (the headers
    // are gone, so the connection is closed). Piped without an error listener, it ended the
    // process.
    pipeline(createReadStream(sent.path), res, ignoreFailure);
  };
}
