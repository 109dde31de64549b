import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/**
 * The suffixes of the variants the web app's build writes beside a file (apps/web's
 * precompress plugin): `app.js.br` and `app.js.gz` hold `app.js` compressed.
 */
const VARIANT_SUFFIX = { br: '.br', gzip: '.gz' } as const;
export type VariantCoding = keyof typeof VARIANT_SUFFIX;

/** One coding of a file as found on disk: where, its stat, and its bytes when they are held. */
export interface FilePart {
  path: string;
  info: Stats;
  /** Undefined when too large to hold, past the budget, or unreadable: it is streamed. */
  bytes: Buffer | undefined;
}

/** A regular file of the web app and the precompressed variants beside it. */
export interface StaticFile {
  plain: FilePart;
  variants: Map<VariantCoding, FilePart>;
}

export interface StaticFileCacheOptions {
  /** How long a file's stat and bytes are reused before the disk is asked again. @default 1000 */
  ttlMs: number;
  /** A coding larger than this is streamed from disk, never held. @default 4 MiB */
  maxFileBytes: number;
  /** Bytes held in all. @default 32 MiB */
  maxTotalBytes: number;
  /** Files whose stat is held. @default 2000 */
  maxFiles: number;
  now: () => number;
}

const DEFAULTS: StaticFileCacheOptions = {
  ttlMs: 1000,
  maxFileBytes: 4 * 1024 * 1024,
  maxTotalBytes: 32 * 1024 * 1024,
  maxFiles: 2000,
  now: Date.now,
};

const regularFile = (path: string): Promise<Stats | undefined> =>
  stat(path).then(
    (info) => (info.isFile() ? info : undefined),
    () => undefined,
  );

interface Entry {
  expires: number;
  file: Promise<StaticFile | undefined>;
  /** Bytes of `file` held (counted in the cache's total until the entry is dropped). */
  heldBytes: number;
  /** No longer (or never) in the map: it may hold no bytes, which nothing would count down. */
  dropped: boolean;
}

/**
 * The web app's files as the static handler serves them, each read at most once per `ttlMs`.
 * Without it every page load cost four stats, an open, a read and a close on libuv's thread
 * pool: ~0.8 ms of CPU per `GET /` (~1,300 a second took 1.3 cores of this 2-core machine).
 * A deploy that replaces a file is seen within `ttlMs`. Only files that exist are kept (a path
 * that is not a file costs its stat every time), so an attacker naming paths cannot grow it;
 * `maxFiles` and `maxTotalBytes` bound a root with many or large files.
 */
export function createStaticFileCache(options: Partial<StaticFileCacheOptions> = {}) {
  const { ttlMs, maxFileBytes, maxTotalBytes, maxFiles, now } = { ...DEFAULTS, ...options };
  const entries = new Map<string, Entry>();
  let totalBytes = 0;

  const drop = (path: string, entry: Entry) => {
    entry.dropped = true;
    totalBytes -= entry.heldBytes;
    entry.heldBytes = 0;
    if (entries.get(path) === entry) entries.delete(path);
  };
  const dropExpired = (t: number) => {
    for (const [path, entry] of entries) if (entry.expires <= t) drop(path, entry);
  };

  /** Its bytes when small enough and within the budget; streamed otherwise, or if unreadable. */
  async function partOf(path: string, info: Stats, entry: Entry): Promise<FilePart> {
    if (entry.dropped || info.size > maxFileBytes || totalBytes + info.size > maxTotalBytes)
      return { path, info, bytes: undefined };
    // Counted before the read, so that loads at once cannot all pass the budget.
    totalBytes += info.size;
    entry.heldBytes += info.size;
    const bytes = await readFile(path).catch(() => undefined);
    // A file rewritten between its stat and its read is streamed until its next load: the
    // stat (its ETag and length) must describe the bytes sent.
    if (bytes && bytes.length === info.size && !entry.dropped) return { path, info, bytes };
    if (!entry.dropped) {
      totalBytes -= info.size;
      entry.heldBytes -= info.size;
    }
    return { path, info, bytes: undefined };
  }

  async function load(path: string, entry: Entry): Promise<StaticFile | undefined> {
    const codings = Object.keys(VARIANT_SUFFIX) as VariantCoding[];
    const [info, ...variantInfo] = await Promise.all([
      regularFile(path),
      ...codings.map((coding) => regularFile(path + VARIANT_SUFFIX[coding])),
    ]);
    if (!info) return undefined;
    const variants = new Map<VariantCoding, FilePart>();
    for (const [i, coding] of codings.entries()) {
      const found = variantInfo[i];
      if (found) variants.set(coding, await partOf(path + VARIANT_SUFFIX[coding], found, entry));
    }
    return { plain: await partOf(path, info, entry), variants };
  }

  return {
    /** The regular file at `path` with its variants; undefined when there is none. */
    get(path: string): Promise<StaticFile | undefined> {
      const t = now();
      const held = entries.get(path);
      if (held && held.expires > t) return held.file;
      if (held) drop(path, held);
      if (entries.size >= maxFiles) dropExpired(t);
      const entry: Entry = {
        expires: t + ttlMs,
        file: Promise.resolve(undefined),
        heldBytes: 0,
        dropped: entries.size >= maxFiles,
      };
      // Kept while it loads (requests at once share one load), and after only if it is a file.
      if (!entry.dropped) entries.set(path, entry);
      entry.file = load(path, entry).then((file) => {
        if (!file) drop(path, entry);
        return file;
      });
      return entry.file;
    },
    /** Files and bytes held (for tests). */
    held: () => ({ files: entries.size, bytes: totalBytes }),
  };
}
