import { describe, expect, it } from 'vitest';
import { levelAllows } from './notification-level';

describe('levelAllows', () => {
  const plain = {};
  const namingMe = { mentions: ['me'] };
  const namingOther = { mentions: ['other'] };
  const everyone = { mentionsRoom: true as const };

  it("'all' lets every message through, 'none' none", () => {
    for (const m of [plain, namingMe, namingOther, everyone]) {
      expect(levelAllows('all', m, 'me')).toBe(true);
      expect(levelAllows('none', m, 'me')).toBe(false);
    }
  });

  it("'mentions' lets through only a message naming me or @room", () => {
    expect(levelAllows('mentions', plain, 'me')).toBe(false);
    expect(levelAllows('mentions', namingOther, 'me')).toBe(false);
    expect(levelAllows('mentions', namingMe, 'me')).toBe(true);
    expect(levelAllows('mentions', everyone, 'me')).toBe(true);
  });
});
