import { LIMITS } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { avatarFileProblem } from './avatar-upload';

const fileOf = (bytes: number, type: string) =>
  new File([new Uint8Array(bytes)], 'me.png', { type });

describe('avatarFileProblem', () => {
  it('takes PNG, JPEG, WebP and GIF up to the limit', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/webp', 'image/gif'])
      expect(avatarFileProblem(fileOf(LIMITS.avatarMaxBytes, type))).toBeNull();
  });

  it('refuses other types and larger files before anything is sent, saying why', () => {
    expect(avatarFileProblem(fileOf(10, 'image/svg+xml'))).toBe(
      'Choose a PNG, JPEG, WebP or GIF image',
    );
    expect(avatarFileProblem(fileOf(10, ''))).toBe('Choose a PNG, JPEG, WebP or GIF image');
    expect(avatarFileProblem(fileOf(LIMITS.avatarMaxBytes + 1, 'image/png'))).toBe(
      'The picture is larger than 5 MB; choose a smaller one',
    );
  });
});
