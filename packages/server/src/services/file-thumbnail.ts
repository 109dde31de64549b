import { type IMAGE_TYPES, LIMITS } from '@confab/contracts';
import { loadSharp } from '../lazy-modules.js';

/** What decoding an uploaded image found: its size upright, and a WebP thumbnail. */
export interface ImageFacts {
  width: number;
  height: number;
  thumbnail: Uint8Array;
}

/** Formats sharp must find in the bytes for an upload to count as an image (see below). */
const FORMAT_OF_TYPE: Record<(typeof IMAGE_TYPES)[number], string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/**
 * Decodes an upload that says it is a PNG, JPEG, GIF or WebP and makes its thumbnail (upright,
 * at most LIMITS.thumbnailMaxPx on its longest side, WebP without metadata, an animation's
 * first frame). Undefined for anything else, or when the bytes are not the format the type
 * claims (an SVG or HTML page named .png), or the picture is larger than LIMITS.imageMaxPixels
 * (refused from its header, before its pixels are allocated): such a file is kept and served
 * as a download, never shown inline.
 */
export async function imageFacts(type: string, bytes: Uint8Array): Promise<ImageFacts | undefined> {
  const format = FORMAT_OF_TYPE[type as keyof typeof FORMAT_OF_TYPE];
  if (!format) return undefined;
  const options = { limitInputPixels: LIMITS.imageMaxPixels, failOn: 'error' } as const;
  const sharp = await loadSharp();
  try {
    const image = sharp(bytes, { ...options, autoOrient: true });
    const metadata = await image.metadata();
    if (metadata.format !== format || !metadata.width || !metadata.height) return undefined;
    // EXIF orientations 5-8 turn the picture a quarter: width and height swap.
    const turned = (metadata.orientation ?? 1) >= 5;
    const max = LIMITS.thumbnailMaxPx;
    const thumbnail = await image
      .resize(max, max, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78 })
      .toBuffer();
    return {
      width: turned ? metadata.height : metadata.width,
      height: turned ? metadata.width : metadata.height,
      thumbnail,
    };
  } catch {
    // Truncated or corrupt: a download like any other file.
    return undefined;
  }
}
