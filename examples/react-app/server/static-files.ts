import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** Serves the built app from `root`; any path that is not a file gets index.html (the app). */
export function createStaticFiles(root: string) {
  const base = resolve(root);
  return async (path: string, res: ServerResponse): Promise<void> => {
    const file = resolve(join(base, normalize(decodeURIComponent(path))));
    const inside = file.startsWith(base + sep);
    const body = inside ? await readFile(file).catch(() => undefined) : undefined;
    if (body) {
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES['.html'] });
    res.end(await readFile(join(base, 'index.html')));
  };
}
