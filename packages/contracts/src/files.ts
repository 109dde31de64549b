import * as z from 'zod';
import { LIMITS } from './limits.js';
import { FileId } from './opaque-ids.js';

export * from './file-routes.js';

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
