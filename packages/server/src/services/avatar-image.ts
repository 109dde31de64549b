import { ERROR_CODES, LIMITS } from '@confab/contracts';
import type { Metadata } from 'sharp';
import { AppError } from '../errors.js';
import { loadSharp } from '../lazy-modules.js';

/** What every stored avatar is: a square WebP of LIMITS.avatarSizePx. */
export const AVATAR_CONTENT_TYPE = 'image/webp';

/**
 * Formats an avatar may be decoded from. sharp reads many more (SVG through librsvg, TIFF,
 * PDF, HEIF...); each is more parser exposed to strangers' bytes, and an SVG can reference
 * other files. So the format sharp detects from the bytes must be one of these, whatever the
 * Content-Type claimed.
 */
const DECODED_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif']);

const invalid = (message: string) => new AppError(ERROR_CODES.IMAGE_INVALID, message);

/**
 * An uploaded picture as it is stored: turned upright (EXIF orientation), cut to a centred
 * square, scaled to LIMITS.avatarSizePx and re-encoded as WebP, which keeps no metadata (no
 * camera, no location). Refuses with IMAGE_INVALID what is not a PNG, JPEG, WebP or GIF sharp
 * can decode, and any image of more than LIMITS.avatarMaxPixels: a small file that declares a
 * huge canvas (a decompression bomb) is refused from its header, before its pixels are
 * allocated. An animated GIF or WebP keeps its first frame.
 */
export async function normalizeAvatar(upload: Uint8Array): Promise<Uint8Array> {
  const sharp = await loadSharp();
  let metadata: Metadata;
  try {
    // The header only (no pixels are decoded), without the pixel limit: so that an image over
    // it is told apart from bytes that are no image at all.
    metadata = await sharp(upload, { limitInputPixels: false }).metadata();
  } catch {
    throw invalid('The file is not an image Confab can read (PNG, JPEG, WebP or GIF)');
  }
  if (!metadata.format || !DECODED_FORMATS.has(metadata.format))
    throw invalid('The file is not an image Confab can read (PNG, JPEG, WebP or GIF)');
  const { width, height } = metadata;
  if (!width || !height || width * height > LIMITS.avatarMaxPixels)
    throw invalid(
      `The image is larger than ${LIMITS.avatarMaxPixels / 1_000_000} megapixels; choose a smaller one`,
    );
  try {
    const size = LIMITS.avatarSizePx;
    // The pixel limit again, for the decoder itself: it holds whatever the header said.
    const options = { limitInputPixels: LIMITS.avatarMaxPixels, failOn: 'error' } as const;
    return await sharp(upload, { ...options, autoOrient: true })
      .resize(size, size, { fit: 'cover', position: 'centre' })
      .webp({ quality: 82 })
      .toBuffer();
  } catch {
    // A header that reads well over pixels that do not (truncated, corrupt).
    throw invalid('The image could not be decoded; it may be damaged');
  }
}
