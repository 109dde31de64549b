import { cleanFileName, type FileInfo, LIMITS } from '@confab/contracts';
import { formatFileSize } from './file-size';

/** One file attached in the composer: on its way, uploaded, or refused. */
export interface Upload {
  /** This device's key for it (the server's id exists only once it is uploaded). */
  key: string;
  name: string;
  /** Bytes. */
  size: number;
  state: 'uploading' | 'done' | 'failed';
  /** Bytes sent so far. */
  sent: number;
  /** The server's record, once uploaded: what the message carries. */
  file?: FileInfo;
  /** Why it failed, in the server's words. */
  error?: string;
}

export type UploadAction =
  | { type: 'added'; uploads: Upload[] }
  | { type: 'progress'; key: string; sent: number }
  | { type: 'done'; key: string; file: FileInfo }
  | { type: 'failed'; key: string; error: string }
  | { type: 'removed'; key: string }
  /** The message was sent: its files go with it, the chips go away. */
  | { type: 'cleared' };

/** The composer's attached files, in the order they were attached. */
export function uploadsReducer(uploads: readonly Upload[], action: UploadAction): Upload[] {
  const update = (key: string, change: (upload: Upload) => Upload) =>
    uploads.map((upload) => (upload.key === key ? change(upload) : upload));
  switch (action.type) {
    case 'added':
      return [...uploads, ...action.uploads];
    case 'progress':
      // A late progress event must not move a finished or failed upload back.
      return update(action.key, (u) =>
        u.state === 'uploading' ? { ...u, sent: Math.min(action.sent, u.size) } : u,
      );
    case 'done':
      return update(action.key, (u) => ({ ...u, state: 'done', sent: u.size, file: action.file }));
    case 'failed':
      return update(action.key, (u) => ({ ...u, state: 'failed', error: action.error }));
    case 'removed':
      return uploads.filter((upload) => upload.key !== action.key);
    case 'cleared':
      return [];
  }
}

/** The files a send carries: the finished uploads, in the order they were attached. */
export function finishedFiles(uploads: readonly Upload[]): FileInfo[] {
  return uploads.flatMap((upload) => (upload.state === 'done' && upload.file ? [upload.file] : []));
}

/** Whether a message can go: something to say (text or a file), and no file still on its way. */
export function canSend(uploads: readonly Upload[], text: string): boolean {
  if (uploads.some((upload) => upload.state === 'uploading')) return false;
  return text.trim().length > 0 || finishedFiles(uploads).length > 0;
}

/**
 * Why these files cannot be attached, checked before anything is sent (the server checks the
 * same again); null when they may all be uploaded. `attached` are the composer's chips: those
 * that failed will not be sent, so they do not count.
 */
export function refusalOf(
  attached: readonly Upload[],
  files: readonly { name: string; size: number }[],
): string | null {
  const kept = attached.filter((upload) => upload.state !== 'failed').length;
  if (kept + files.length > LIMITS.attachmentsPerMessageMax)
    return `A message can carry at most ${LIMITS.attachmentsPerMessageMax} files`;
  for (const file of files) {
    if (file.size > LIMITS.fileMaxBytes)
      return `“${file.name}” is larger than ${formatFileSize(LIMITS.fileMaxBytes)}`;
    // Measured as the server does: the name it would keep, in code points.
    if ([...cleanFileName(file.name)].length > LIMITS.fileNameMaxChars)
      return `The name of “${file.name.slice(0, 40)}…” is longer than ${LIMITS.fileNameMaxChars} characters`;
  }
  return null;
}
