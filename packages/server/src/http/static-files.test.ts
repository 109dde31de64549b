import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStaticFileCache } from './static-files.js';

let dir: string;
let now: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'confab-static-files-'));
  now = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
const text = (bytes: Buffer | undefined) => bytes?.toString('utf8');

describe('the static file cache', () => {
  it('reads a file and its variants once per ttl; a change on disk is seen after it', async () => {
    write('index.html', 'page one');
    write('index.html.br', 'brotli one');
    const files = createStaticFileCache({ ttlMs: 1000, now: () => now });
    const first = await files.get(join(dir, 'index.html'));
    expect(text(first?.plain.bytes)).toBe('page one');
    expect(first?.plain.info.size).toBe(8);
    expect([...(first?.variants.keys() ?? [])]).toEqual(['br']);
    expect(text(first?.variants.get('br')?.bytes)).toBe('brotli one');
    expect(files.held()).toEqual({ files: 1, bytes: 18 });

    write('index.html', 'page two, longer');
    write('index.html.gz', 'gzip two');
    now = 999;
    expect(await files.get(join(dir, 'index.html'))).toBe(first);
    now = 1000;
    const second = await files.get(join(dir, 'index.html'));
    expect(text(second?.plain.bytes)).toBe('page two, longer');
    expect([...(second?.variants.keys() ?? [])].sort()).toEqual(['br', 'gzip']);
    // The first load's bytes are no longer counted.
    expect(files.held()).toEqual({ files: 1, bytes: 16 + 10 + 8 });
  });

  it('keeps nothing for a path that is not a file, so that naming paths cannot grow it', async () => {
    const files = createStaticFileCache({ now: () => now });
    for (let i = 0; i < 100; i++) expect(await files.get(join(dir, `nope-${i}`))).toBeUndefined();
    expect(await files.get(dir)).toBeUndefined();
    expect(files.held()).toEqual({ files: 0, bytes: 0 });
  });

  it('shares one load between requests at once', async () => {
    write('app.js', 'code');
    const files = createStaticFileCache({ now: () => now });
    const [a, b] = await Promise.all([
      files.get(join(dir, 'app.js')),
      files.get(join(dir, 'app.js')),
    ]);
    expect(a).toBe(b);
    expect(files.held()).toEqual({ files: 1, bytes: 4 });
  });

  it('streams what is larger than maxFileBytes or past maxTotalBytes, holding only its stat', async () => {
    write('big.js', 'x'.repeat(100));
    write('a.js', 'a'.repeat(30));
    write('b.js', 'b'.repeat(30));
    const files = createStaticFileCache({ maxFileBytes: 50, maxTotalBytes: 40, now: () => now });
    const big = await files.get(join(dir, 'big.js'));
    expect(big?.plain).toMatchObject({ bytes: undefined, info: { size: 100 } });
    expect(text((await files.get(join(dir, 'a.js')))?.plain.bytes)).toBe('a'.repeat(30));
    expect((await files.get(join(dir, 'b.js')))?.plain).toMatchObject({
      bytes: undefined,
      info: { size: 30 },
    });
    expect(files.held()).toEqual({ files: 3, bytes: 30 });
  });

  it('keeps at most maxFiles; expired ones make room', async () => {
    write('a.js', 'a');
    write('b.js', 'b');
    const files = createStaticFileCache({ maxFiles: 1, ttlMs: 1000, now: () => now });
    await files.get(join(dir, 'a.js'));
    // Served, not kept (nor its bytes counted).
    expect(text((await files.get(join(dir, 'b.js')))?.plain.bytes)).toBeUndefined();
    expect(files.held()).toEqual({ files: 1, bytes: 1 });
    now = 1000;
    expect(text((await files.get(join(dir, 'b.js')))?.plain.bytes)).toBe('b');
    expect(files.held()).toEqual({ files: 1, bytes: 1 });
  });
});
