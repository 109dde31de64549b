import {
  cleanFileName,
  type ErrorCode,
  FILE_ROUTES,
  type FileId,
  type FileInfo,
  LIMITS,
} from '@confab/contracts';
import type { createTokenSource } from './token-source.js';

/**
 * A file route refused the call (or the SDK refused it before sending, as the server would):
 * `errorCodeOf` gives its code (`FILE_TOO_LARGE`, `FILE_NOT_FOUND`, `RATE_LIMITED`...).
 */
export class FileRequestError extends Error {
  override readonly name = 'FileRequestError';
  readonly status: number;
  readonly data: { appCode: ErrorCode | undefined; retryAfterMs?: number };

  constructor(
    status: number,
    message: string,
    appCode: ErrorCode | undefined,
    retryAfterMs?: number,
  ) {
    super(message);
    this.status = status;
    this.data = { appCode, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
}

async function refusalOf(response: Response): Promise<FileRequestError> {
  const body = (await response.json().catch(() => undefined)) as
    | { error?: { message?: string; data?: { appCode?: ErrorCode; retryAfterMs?: number } } }
    | undefined;
  const error = body?.error;
  return new FileRequestError(
    response.status,
    error?.message ?? `HTTP ${response.status}`,
    error?.data?.appCode,
    error?.data?.retryAfterMs,
  );
}

/** What an upload is given: the bytes, the name to keep and the media type (a Blob's own). */
export interface UploadOptions {
  /** The file's name (a File's own when absent). */
  name?: string;
  /** Its media type (a Blob's own, else application/octet-stream). */
  type?: string;
  /** Aborts the upload (nothing is kept). */
  signal?: AbortSignal;
}

/**
 * Files over the SDK (docs/files.md): uploads for `send`'s `attachments`, their URLs, and
 * downloads with the client's credentials (its token, or the browser's session cookie).
 */
export function createFileApi(baseUrl: string, tokens: ReturnType<typeof createTokenSource>) {
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const token = await tokens.get();
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    const response = await tokens.renewingFetch(`${baseUrl}${path}`, {
      ...init,
      headers,
      // As the API's calls: with a token no cookie rides along; without one the cookie does.
      credentials: tokens.enabled ? 'same-origin' : 'include',
    });
    if (!response.ok) throw await refusalOf(response);
    return response;
  }

  return {
    /**
     * Uploads a file to a room the user is a member of; resolves with its FileInfo, whose id
     * goes into `send({ attachments })`. A file over LIMITS.fileMaxBytes is refused here
     * (FILE_TOO_LARGE) without sending anything. Not sent within a day, it is deleted.
     */
    async upload(
      roomId: string,
      file: Blob | Uint8Array,
      options: UploadOptions = {},
    ): Promise<FileInfo> {
      const blob = file instanceof Blob ? file : new Blob([new Uint8Array(file)]);
      const own = typeof File !== 'undefined' && file instanceof File ? file.name : '';
      const name = cleanFileName(options.name ?? own);
      if (!name) throw new FileRequestError(400, 'name: The file needs a name', 'VALIDATION');
      if (blob.size > LIMITS.fileMaxBytes)
        throw new FileRequestError(
          413,
          `The file is larger than ${LIMITS.fileMaxBytes / (1024 * 1024)} MB`,
          'FILE_TOO_LARGE',
        );
      const query = new URLSearchParams({ roomId, name });
      const response = await call(`${FILE_ROUTES.upload}?${query}`, {
        method: 'POST',
        headers: { 'Content-Type': options.type ?? (blob.type || 'application/octet-stream') },
        body: blob,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return ((await response.json()) as { file: FileInfo }).file;
    },
    /** Deletes the user's own upload that no message carries yet. */
    async cancel(id: FileId): Promise<void> {
      await call(FILE_ROUTES.download(id), { method: 'DELETE' });
    },
    /**
     * The file (or an image's thumbnail) with the client's credentials, as a Response to read
     * as a stream, a Blob or bytes. FILE_NOT_FOUND when the user may not fetch it.
     */
    download(id: FileId, options: { thumbnail?: boolean; signal?: AbortSignal } = {}) {
      const path = options.thumbnail ? FILE_ROUTES.thumbnail(id) : FILE_ROUTES.download(id);
      return call(path, options.signal ? { signal: options.signal } : {});
    },
    /**
     * The file's URL, for a page of the server's own origin (its session cookie authorizes
     * it: an `<img src>` or an `<a download>`); elsewhere use `download`.
     */
    url(id: FileId, options: { thumbnail?: boolean } = {}): string {
      return `${baseUrl}${options.thumbnail ? FILE_ROUTES.thumbnail(id) : FILE_ROUTES.download(id)}`;
    },
  };
}
export type FileApi = ReturnType<typeof createFileApi>;
