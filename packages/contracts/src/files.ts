import { z } from 'zod';
import { LIMITS } from './limits.js';
import { FileId } from './opaque-ids.js';

/**
 * Images the server makes thumbnails of and the web app shows in a viewer (after the server
 * decoded them: a file that only claims one of these types is served as a download).
 */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** A file as messages carry it. */
export const FileInfo = z.object({
  id: FileId,
  /** The name it was uploaded with (shown and offered when saving; never a path). */
  name: z.string().min(1).max(LIMITS.fileNameMaxChars),
  /** Bytes. */
  size: z.number().int().min(0).max(LIMITS.fileMaxBytes),
  /** The media type it was uploaded with, lower-cased (what the download is served as may differ). */
  type: z.string().min(1).max(255),
  /** Present when the server decoded it as an image: a thumbnail and the viewer are available. */
  image: z.object({ width: z.number().int().min(1), height: z.number().int().min(1) }).optional(),
});
export type FileInfo = z.infer<typeof FileInfo>;

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
