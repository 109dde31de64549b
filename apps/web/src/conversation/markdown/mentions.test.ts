import { parseMentions } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { splitMentions } from './mentions';

const anyone = () => true;
const named = (text: string, known: (name: string) => boolean = anyone) =>
  splitMentions(text, known).flatMap((p) => (p.kind === 'mention' ? [p.name] : []));

describe('splitMentions', () => {
  it('splits text around the @names it knows, keeping every character', () => {
    const parts = splitMentions('hi @Bob_2, and @zed!', (n) => n === 'bob_2');
    expect(parts).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@Bob_2', name: 'bob_2' },
      { kind: 'text', text: ', and @zed!' },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe('hi @Bob_2, and @zed!');
  });

  it('reads @names as the server does (parseMentions) outside code', () => {
    for (const body of [
      '@alice and @Bob_2, then @alice again',
      'mail ann@example.com or @ann',
      '@bobé is not @bob',
      '@@double and x@y and (@paren)',
      '@room heads up, @rooms and @roommate',
    ]) {
      const server = parseMentions(body);
      // As in a room where every valid username belongs to a member.
      const shown = named(body, (n) => n === 'room' || /^[a-z0-9_]{3,32}$/.test(n));
      expect(new Set(shown.filter((n) => n !== 'room'))).toEqual(new Set(server.usernames));
      expect(shown.includes('room')).toBe(server.room);
    }
  });

  it('leaves a text without @ as one part', () => {
    expect(splitMentions('plain', anyone)).toEqual([{ kind: 'text', text: 'plain' }]);
  });
});
