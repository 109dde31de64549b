import type { Member } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { mentionOptions, typingAt } from './use-mention-autocomplete';

const member = (userId: string, username: string, displayName: string): Member => ({
  userId,
  username,
  displayName,
  role: 'member',
  joinedAt: 0,
});
const members = [
  member('u1', 'ann', 'Ann Lee'),
  member('u2', 'ben_2', 'Ben'),
  member('u3', 'carla', 'Carla Annan'),
];

describe('typingAt', () => {
  it('finds the @name being typed just before the caret', () => {
    expect(typingAt('hi @', 4)).toEqual({ at: 3, query: '' });
    expect(typingAt('hi @Be', 6)).toEqual({ at: 3, query: 'be' });
    expect(typingAt('@ann', 4)).toEqual({ at: 0, query: 'ann' });
    // The caret in the middle of the text: only what is before it counts.
    expect(typingAt('hi @Be and more', 6)).toEqual({ at: 3, query: 'be' });
  });

  it('is not typing a mention after a space, in an address, or after another @', () => {
    expect(typingAt('hi @ben ', 8)).toBeNull();
    expect(typingAt('ann@exa', 7)).toBeNull();
    expect(typingAt('@@x', 3)).toBeNull();
    expect(typingAt('no at here', 10)).toBeNull();
  });
});

describe('mentionOptions', () => {
  const options = (query: string, canMentionRoom = false) =>
    mentionOptions({ members, meId: 'u1', canMentionRoom, query }).map((o) => o.username);

  it('lists the other members whose username or a word of their name starts with the query', () => {
    expect(options('')).toEqual(['ben_2', 'carla']);
    expect(options('b')).toEqual(['ben_2']);
    expect(options('ann')).toEqual(['carla']); // "Carla Annan"; Ann is the one typing
    expect(options('x')).toEqual([]);
  });

  it('offers @room first, only when allowed', () => {
    expect(options('', true)).toEqual(['room', 'ben_2', 'carla']);
    expect(options('ro', true)).toEqual(['room']);
    expect(options('ro', false)).toEqual([]);
  });
});
