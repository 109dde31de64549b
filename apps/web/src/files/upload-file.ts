import { FILE_ROUTES, type FileId, type FileInfo } from '@confab/contracts';

/** An upload on its way: `done` settles with the server's record or its refusal. */
export interface UploadRequest {
  done: Promise<FileInfo>;
  /** Stops it; `done` then rejects with an UploadAborted. */
  abort(): void;
}

/** The upload was stopped on purpose (the chip was removed): nothing to show. */
export class UploadAborted extends Error {}

/**
 * The upload's answer, `{ file: FileInfo }`, checked for the fields the app uses. By hand, not
 * with the FileInfo schema: zod's classic schemas do not tree-shake (contracts' file-routes.ts).
 */
function fileOf(text: string): FileInfo | undefined {
  const file = (JSON.parse(text) as { file?: Partial<FileInfo> }).file;
  const image = file?.image;
  const sized = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (
    typeof file?.id !== 'string' ||
    typeof file.name !== 'string' ||
    typeof file.type !== 'string' ||
    !sized(file.size) ||
    (image !== undefined && !(sized(image.width) && sized(image.height)))
  )
    return undefined;
  return file as FileInfo;
}

/** The server's words from an error answer (`{ error: { message } }`), or general ones. */
function refusalMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // Not the API's JSON (a proxy's error page): say what happened in general terms.
  }
  return `The server could not take the file (HTTP ${status})`;
}

/**
 * Uploads one file to a room (FILE_ROUTES.upload), the session cookie authenticating it.
 * XMLHttpRequest rather than fetch: only it reports upload progress.
 */
export function uploadFile(
  roomId: string,
  file: File,
  onProgress: (sentBytes: number) => void,
): UploadRequest {
  const xhr = new XMLHttpRequest();
  const done = new Promise<FileInfo>((resolve, reject) => {
    const query = new URLSearchParams({ roomId, name: file.name });
    xhr.open('POST', `${FILE_ROUTES.upload}?${query}`);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status !== 201) {
        reject(new Error(refusalMessage(xhr.status, xhr.responseText)));
        return;
      }
      let file: FileInfo | undefined;
      try {
        file = fileOf(xhr.responseText);
      } catch {
        // Not JSON: as unexpected as JSON of another shape.
      }
      if (file) resolve(file);
      else reject(new Error('The server answered the upload with something unexpected'));
    };
    xhr.onerror = () => reject(new Error('The upload failed: no connection to the server'));
    xhr.onabort = () => reject(new UploadAborted('Upload cancelled'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/**
 * Takes back an upload that no message carries (its chip was removed, or the composer went
 * away): the server frees it at once instead of counting it against the user's pending uploads.
 * Best effort: a failure leaves it to the server's own clean-up.
 */
export function cancelUpload(id: FileId): void {
  // keepalive: it still goes when the page is being closed.
  fetch(FILE_ROUTES.download(id), { method: 'DELETE', keepalive: true }).catch(() => {});
}
