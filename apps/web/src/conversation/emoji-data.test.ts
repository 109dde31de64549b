import { isEmoji } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { EMOJI_GROUPS, searchEmoji } from './emoji-data';

describe('emoji picker data', () => {
  it('offers only what the server takes as a reaction, without skin tone components', () => {
    const all = EMOJI_GROUPS.flatMap((g) => g.emojis);
    expect(all.length).toBeGreaterThan(1500);
    expect(all.every((e) => isEmoji(e.emoji))).toBe(true);
    expect(EMOJI_GROUPS.map((g) => g.name)).not.toContain('components');
    expect(EMOJI_GROUPS[0]?.name).toBe('smileys & emotion');
  });

  it('finds by name first (names that start with the query before names that contain it), then by keyword', () => {
    const thumbs = searchEmoji('thumbs');
    expect(thumbs.slice(0, 2).map((e) => e.label)).toEqual(['thumbs up', 'thumbs down']);
    // Every word must match, in any order.
    expect(searchEmoji('up thumbs')[0]?.label).toBe('thumbs up');
    expect(searchEmoji('PARTY popper').map((e) => e.label)).toContain('party popper');
    expect(searchEmoji('   ')).toEqual([]);
    expect(searchEmoji('zzzz-nothing')).toEqual([]);
    expect(searchEmoji('face', 5)).toHaveLength(5);
  });
});
