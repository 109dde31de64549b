import { describe, expect, it } from 'vitest';
import { thumbnailSize } from './thumbnail-size';

describe('thumbnailSize', () => {
  it('keeps the aspect ratio within the longest side', () => {
    expect(thumbnailSize({ width: 1600, height: 900 }, 240)).toEqual({ width: 240, height: 135 });
    expect(thumbnailSize({ width: 300, height: 1200 }, 240)).toEqual({ width: 60, height: 240 });
  });

  it('never enlarges a small image', () => {
    expect(thumbnailSize({ width: 32, height: 20 }, 240)).toEqual({ width: 32, height: 20 });
  });

  it('keeps a sliver at least a pixel wide', () => {
    expect(thumbnailSize({ width: 10_000, height: 3 }, 240)).toEqual({ width: 240, height: 1 });
  });
});
