import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { normalizeAvatar } from './avatar-image.js';

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } });

async function refusalOf(upload: Uint8Array) {
  const error = await normalizeAvatar(upload).then(
    () => undefined,
    (e: unknown) => e as { appCode?: string; message?: string },
  );
  return { appCode: error?.appCode, message: error?.message };
}

describe('normalizeAvatar', () => {
  it.each([
    ['PNG', () => solid(300, 500).png().toBuffer()],
    ['JPEG', () => solid(300, 500).jpeg().toBuffer()],
    ['WebP', () => solid(300, 500).webp().toBuffer()],
    ['GIF', () => solid(300, 500).gif().toBuffer()],
  ])('makes a %s into a 256x256 WebP', async (_name, make) => {
    const out = await normalizeAvatar(await make());
    const metadata = await sharp(out).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['webp', 256, 256]);
  });

  it('keeps no metadata: a photo’s EXIF (camera, place) is not in the stored picture', async () => {
    const photo = await solid(64, 64)
      .jpeg()
      .withExif({ IFD0: { Make: 'Camera', Model: 'Model X' } })
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const metadata = await sharp(await normalizeAvatar(photo)).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.icc).toBeUndefined();
  });

  it('keeps the first frame of an animated GIF', async () => {
    // Two 32x32 frames stacked: red, then blue.
    const blue = await sharp({
      create: { width: 32, height: 32, channels: 3, background: '#0000ff' },
    })
      .png()
      .toBuffer();
    const animated = await sharp({
      create: { width: 32, height: 64, channels: 3, background: '#ff0000', pageHeight: 32 },
    })
      .composite([{ input: blue, left: 0, top: 32 }])
      .gif()
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(2);
    const out = await normalizeAvatar(animated);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([256, 256]);
    const centre = (128 * 256 + 128) * info.channels;
    // Red, give or take WebP's rounding: the blue frame is not what is shown.
    expect(data[centre]).toBeGreaterThan(240);
    expect(data[centre + 2]).toBeLessThan(16);
  });

  it('refuses a PNG cut short (a header that reads, pixels that do not) with IMAGE_INVALID', async () => {
    const png = await solid(200, 200).png({ compressionLevel: 0 }).toBuffer();
    expect(await refusalOf(png.subarray(0, png.length / 2))).toEqual({
      appCode: 'IMAGE_INVALID',
      message: 'The image could not be decoded; it may be damaged',
    });
  });

  it('refuses an empty body and a TIFF (a format sharp reads but avatars do not take)', async () => {
    const tiff = await solid(16, 16).tiff().toBuffer();
    for (const upload of [new Uint8Array(0), tiff])
      expect(await refusalOf(upload)).toEqual({
        appCode: 'IMAGE_INVALID',
        message: 'The file is not an image Confab can read (PNG, JPEG, WebP or GIF)',
      });
  });
});
