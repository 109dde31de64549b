import { describe, expect, it } from 'vitest';
import { parseMentions } from './conversation.js';
import { LIMITS } from './limits.js';

const names = (body: string) => parseMentions(body).usernames;

describe('parseMentions', () => {
  it('finds @usernames in order, once each, in lower case', () => {
    expect(parseMentions('@alice and @Bob_2, then @alice again and @BOB_2')).toEqual({
      usernames: ['alice', 'bob_2'],
      room: false,
    });
    expect(parseMentions('no mentions here')).toEqual({ usernames: [], room: false });
  });

  it('a mention ends at the first character a username cannot hold', () => {
    expect(names('thanks @carol! and @dave. (@erin) @fay: @gus, "@hal"')).toEqual([
      'carol',
      'dave',
      'erin',
      'fay',
      'gus',
      'hal',
    ]);
    expect(names("@ann's turn, @ben-smith")).toEqual(['ann', 'ben']);
    // A name that runs on into a letter outside a-z is not a username, nor its prefix.
    expect(names('@bobé @zoë')).toEqual([]);
  });

  it('e-mail addresses and doubled @ are not mentions', () => {
    expect(names('write to ann@example.com or ann_b@example.com')).toEqual([]);
    expect(names('@@ann é@bob 9@cat _@dan')).toEqual([]);
    expect(names('(x)@eve\n@fred\t@gina')).toEqual(['eve', 'fred', 'gina']);
  });

  it('names outside the Username rules are plain text', () => {
    const longest = 'a'.repeat(LIMITS.usernameMaxChars);
    expect(names(`@ab @abc @${longest} @${longest}b @ @1`)).toEqual(['abc', longest]);
  });

  it('@room sets room and is not a username; @rooms is a username', () => {
    expect(parseMentions('@room heads up, @Room')).toEqual({ usernames: [], room: true });
    expect(parseMentions('@rooms @roommate')).toEqual({
      usernames: ['rooms', 'roommate'],
      room: false,
    });
    expect(parseMentions('me@room.example')).toEqual({ usernames: [], room: false });
  });

  it('nothing inside inline code counts, whatever the length of the backtick run', () => {
    expect(names('run `@ann` or ``say @ben ` here`` but ask @cat')).toEqual(['cat']);
    // Code right before a name: the name still counts, as it would once rendered.
    expect(names('`x`@dan')).toEqual(['dan']);
    // An unmatched backtick is plain text.
    expect(names('a ` then @eve')).toEqual(['eve']);
    // A longer run does not close a shorter one.
    expect(names('`a ``@fay`` still code` @gus')).toEqual(['gus']);
    // A code span cannot cross a blank line.
    expect(names('`open\n\n@hal `')).toEqual(['hal']);
  });

  it('nothing inside fenced code blocks counts (backticks or tildes, to their close or the end)', () => {
    const body = [
      '@ann look:',
      '```ts',
      'const who = "@ben";',
      '```',
      'and @cat',
      '~~~',
      '@dan',
      '```',
      '@erin',
      '~~~~',
      '@fay',
      '````',
      '@gus in an unclosed fence',
    ].join('\n');
    expect(names(body)).toEqual(['ann', 'cat', 'fay']);
    // A fence with text after the closing run is not a close.
    expect(names('```\n``` @hal\n@ivy\n```\n@jan')).toEqual(['jan']);
  });

  it(`keeps at most ${LIMITS.mentionsPerMessageMax} usernames`, () => {
    const many = Array.from({ length: LIMITS.mentionsPerMessageMax + 5 }, (_, i) => `@user${i}`);
    const found = names(`${many.join(' ')} @room`);
    expect(found).toHaveLength(LIMITS.mentionsPerMessageMax);
    expect(found[0]).toBe('user0');
    expect(found.at(-1)).toBe(`user${LIMITS.mentionsPerMessageMax - 1}`);
    expect(parseMentions(`${many.join(' ')} @room`).room).toBe(true);
  });
});
