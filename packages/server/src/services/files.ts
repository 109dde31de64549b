import {
  cleanFileName,
  cleanMediaType,
  ERROR_CODES,
  type FileInfo,
  LIMITS,
} from '@confab/contracts';
import { AppError } from '../errors.js';
import { fallbackLogger, type Logger } from '../observability/logger.js';
import type { StoredFile } from '../ports/file-store.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import { newId } from './crypto.js';
import { imageFacts } from './file-thumbnail.js';
import type { Rooms } from './rooms.js';

/** Bytes per stored chunk: a download reads one at a time, an upload holds one at a time. */
export const FILE_CHUNK_BYTES = 256 * 1024;
/** Images larger than this are kept as plain files: a thumbnail decodes the whole picture. */
export const THUMBNAIL_SOURCE_MAX_BYTES = 20 * 1024 * 1024;
/** Thumbnails made at once in this process (each holds its image's bytes while it decodes). */
const THUMBNAILS_AT_ONCE = 2;
/** Uploads that no message carries are deleted this long after they started. */
export const UPLOAD_TTL_MS = 24 * 60 * 60_000;
const SWEEP_EVERY_MS = 10 * 60_000;

export interface FilesConfig {
  /** Largest upload in bytes. @default LIMITS.fileMaxBytes */
  maxBytes?: number;
  /** Uploads one user may run at once in this process. @default 3 */
  uploadsAtOncePerUser?: number;
}

const fileNotFound = () => new AppError(ERROR_CODES.FILE_NOT_FOUND, 'File not found');
const tooLarge = (max: number) =>
  new AppError(
    ERROR_CODES.FILE_TOO_LARGE,
    `The file is larger than ${Math.floor(max / (1024 * 1024))} MB`,
  );
const invalid = (path: string, message: string) =>
  new AppError(ERROR_CODES.VALIDATION, message, { issues: [{ path, message }] });

/** Runs tasks `n` at a time, in the order they came. */
function queue(n: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Uploads and downloads of files. An upload streams into the store chunk by chunk as its bytes
 * arrive (awaiting each write is the backpressure: the socket is not read meanwhile), so memory
 * holds one chunk per upload whatever the file's size; past the size limit it stops reading and
 * deletes what it stored. Images (PNG, JPEG, GIF, WebP that really are) get a thumbnail.
 */
export function createFiles(deps: {
  store: Store;
  rooms: Rooms;
  now: () => number;
  log?: Logger;
  config?: FilesConfig;
}) {
  const { store, rooms, now } = deps;
  const log = deps.log ?? fallbackLogger;
  const maxBytes = deps.config?.maxBytes ?? LIMITS.fileMaxBytes;
  const atOncePerUser = deps.config?.uploadsAtOncePerUser ?? 3;
  const uploading = new Map<string, number>();
  const thumbnails = queue(THUMBNAILS_AT_ONCE);

  async function thumbnailOf(file: FileInfo & { chunks: number }) {
    if (file.size > THUMBNAIL_SOURCE_MAX_BYTES) return undefined;
    return thumbnails(async () => {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < file.chunks; i++) {
        const part = await store.readFileChunk(file.id, i);
        if (part) parts.push(part);
      }
      return imageFacts(file.type, Buffer.concat(parts));
    });
  }

  async function storeChunks(
    id: string,
    body: AsyncIterable<Uint8Array>,
  ): Promise<{ size: number; chunks: number }> {
    let size = 0;
    let chunks = 0;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await store.appendFileChunk(id, chunks++, data);
    };
    for await (const part of body) {
      size += part.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      pending.push(part);
      pendingBytes += part.byteLength;
      if (pendingBytes >= FILE_CHUNK_BYTES) await flush();
    }
    await flush();
    return { size, chunks };
  }

  const sweep = setInterval(() => {
    store.deleteStaleUploads(now() - UPLOAD_TTL_MS).catch((error: unknown) => {
      log.warn({ err: error }, 'files: could not delete stale uploads');
    });
  }, SWEEP_EVERY_MS);
  sweep.unref();

  return {
    maxBytes,

    /**
     * Stores an upload to a room the caller is a member of. `declaredSize` (Content-Length) over
     * the limit is refused before anything is read or written. Whatever goes wrong after the
     * upload started (the client went away, too large, the store failed), nothing is kept.
     */
    async upload(
      auth: Authenticated,
      input: { roomId: string; name: string; type: string | undefined; declaredSize?: number },
      body: AsyncIterable<Uint8Array>,
    ): Promise<FileInfo> {
      const name = cleanFileName(input.name);
      if (!name) throw invalid('name', 'The file needs a name');
      if ([...name].length > LIMITS.fileNameMaxChars)
        throw invalid('name', `File names have at most ${LIMITS.fileNameMaxChars} characters`);
      const type = cleanMediaType(input.type);
      if (!type) throw invalid('type', 'Content-Type must be a media type such as image/png');
      if (input.declaredSize !== undefined && input.declaredSize > maxBytes)
        throw tooLarge(maxBytes);
      await rooms.requireMember(auth, input.roomId);
      const userId = auth.user.id;
      const running = uploading.get(userId) ?? 0;
      if (running >= atOncePerUser)
        throw new AppError(
          ERROR_CODES.RATE_LIMITED,
          `At most ${atOncePerUser} uploads at once; wait for one to finish`,
          { retryAfterMs: 1_000 },
        );
      uploading.set(userId, running + 1);
      const id = newId();
      try {
        const began = await store.beginUpload(
          { id, roomId: input.roomId, uploaderId: userId, name, type, at: now() },
          LIMITS.pendingUploadsPerUserMax,
        );
        if (began === 'not-member') throw new AppError(ERROR_CODES.FORBIDDEN, 'Not a member');
        if (began === 'too-many-pending')
          throw new AppError(
            ERROR_CODES.RATE_LIMITED,
            `At most ${LIMITS.pendingUploadsPerUserMax} uploads may wait to be sent; send or cancel some first`,
            { retryAfterMs: 60_000 },
          );
        try {
          const { size, chunks } = await storeChunks(id, body);
          const image = await thumbnailOf({ id, name, size, type, chunks });
          return await store.finishUpload(id, size, image);
        } catch (error) {
          await store.discardUpload(id).catch((cleanup: unknown) => {
            // The sweep deletes it later (it is an upload no message carries).
            log.warn({ err: cleanup }, 'files: could not delete a failed upload');
          });
          throw error;
        }
      } finally {
        const left = (uploading.get(userId) ?? 1) - 1;
        if (left > 0) uploading.set(userId, left);
        else uploading.delete(userId);
      }
    },

    /** Cancels the caller's own upload that no message carries yet. */
    async cancel(auth: Authenticated, fileId: string): Promise<void> {
      if (!(await store.cancelUpload(fileId, auth.user.id))) throw fileNotFound();
    },

    /**
     * The file, if the caller may fetch it (a member of its room now; a message carries it or
     * it is their own upload); FILE_NOT_FOUND otherwise, alike for "no such file" and "not
     * yours to see", so ids cannot be probed.
     */
    async open(auth: Authenticated, fileId: string): Promise<StoredFile> {
      const file = await store.fileFor(fileId, auth.user.id);
      if (!file) throw fileNotFound();
      return file;
    },

    /** The file's bytes, chunk by chunk (the caller checked access with `open`). */
    async *bytes(file: StoredFile): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < file.chunks; i++) {
        const part = await store.readFileChunk(file.id, i);
        // Deleted meanwhile (its message was deleted): the download ends short.
        if (!part) throw fileNotFound();
        yield part;
      }
    },

    /** An image's thumbnail, checked as `open` checks. */
    async thumbnail(auth: Authenticated, fileId: string): Promise<Uint8Array> {
      const file = await this.open(auth, fileId);
      const thumbnail = file.image ? await store.readThumbnail(file.id) : undefined;
      if (!thumbnail) throw fileNotFound();
      return thumbnail;
    },

    close(): void {
      clearInterval(sweep);
    },
  };
}
export type Files = ReturnType<typeof createFiles>;
