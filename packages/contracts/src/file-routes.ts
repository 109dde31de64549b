// No zod here: the SDK and the web app use these at startup, and zod's classic schemas do not
// tree-shake (see message-fields.ts). FileInfo, the schema, is in files.ts.
import type { FileId } from './opaque-ids.js';

/**
 * Images the server makes thumbnails of and the web app shows in a viewer (after the server
 * decoded them: a file that only claims one of these types is served as a download).
 */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/**
 * The HTTP routes of files (binary bodies do not go through tRPC). Uploads are
 * `POST /media/files?roomId=<room>&name=<file name>` with the file as the raw body and its type
 * as Content-Type; the answer is `{ file: FileInfo }`.
 */
export const FILE_ROUTES = {
  upload: '/media/files',
  /** The file itself, always as a download (Content-Disposition: attachment). */
  download: (id: FileId) => `/media/files/${encodeURIComponent(id)}`,
  /** An image's thumbnail (WebP, at most LIMITS.thumbnailMaxPx on its longest side). */
  thumbnail: (id: FileId) => `/media/files/${encodeURIComponent(id)}/thumbnail`,
} as const;

/** A file name as kept: the last path segment, control characters dropped, trimmed. */
export function cleanFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping them is the point
  return last.replace(/[\u0000-\u001f\u007f]/g, '').trim();
}

/** A media type as `type/subtype`, lower-cased and without parameters; undefined if malformed. */
export function cleanMediaType(value: string | undefined): string | undefined {
  const bare = value?.split(';')[0]?.trim().toLowerCase();
  return bare && /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(bare)
    ? bare
    : undefined;
}
