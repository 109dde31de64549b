/**
 * The size an image's thumbnail is shown at: its own aspect ratio, within `maxPx` on its longest
 * side, never enlarged. Given to the <img> as width and height, so the row has its final height
 * before the thumbnail has loaded (nothing below it jumps).
 */
export function thumbnailSize(
  image: { width: number; height: number },
  maxPx: number,
): { width: number; height: number } {
  const scale = Math.min(1, maxPx / Math.max(image.width, image.height));
  return {
    width: Math.max(1, Math.round(image.width * scale)),
    height: Math.max(1, Math.round(image.height * scale)),
  };
}
