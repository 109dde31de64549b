import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// safeParse(schema, v) takes any zod schema: classic or zod/mini (the SDK-side fields).
import { type core, safeParse } from 'zod';
import {
  DeviceLabel,
  DisplayName,
  ListPublicRoomsInput,
  LoginInput,
  Password,
  RoomName,
  RoomTopic,
  Username,
} from './inputs.js';
import { LIMITS } from './limits.js';
import { ClientMsgId, MessageBody } from './message-fields.js';
import { RegisterWebhookInput, SubscribePushInput } from './notifications.js';
import { PollInput } from './stream.js';
import { textFault } from './text.js';

/** The messages of a failed parse, so a test states exactly why an input is refused. */
function refusal(schema: core.$ZodType, value: unknown): string[] {
  const result = safeParse(schema, value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues.map((issue) => issue.message);
}

const NUL = '\u0000';
const HIGH = '\uD83D'; // the first half of 😀 (U+1F600 is \uD83D\uDE00)
const LOW = '\uDE00';

// Every user-supplied string field, with a value it accepts and the name its messages use.
// Each is a schema on its own, or a whole input with the value placed in one field.
const FIELDS: { name: string; what: string; schema: core.$ZodType; wrap(v: string): unknown }[] = [
  { name: 'MessageBody', what: 'Message', schema: MessageBody, wrap: (v) => v },
  { name: 'Username', what: 'Username', schema: Username, wrap: (v) => `al${v}ice` },
  { name: 'DisplayName', what: 'Display name', schema: DisplayName, wrap: (v) => v },
  { name: 'Password', what: 'Password', schema: Password, wrap: (v) => `long ${v} password` },
  {
    name: 'LoginInput.password',
    what: 'Password',
    schema: LoginInput,
    wrap: (v) => ({ username: 'alice', password: `pw${v}` }),
  },
  { name: 'DeviceLabel', what: 'Device label', schema: DeviceLabel, wrap: (v) => v },
  { name: 'ClientMsgId', what: 'clientMsgId', schema: ClientMsgId, wrap: (v) => `c${v}1` },
  { name: 'RoomName', what: 'Room name', schema: RoomName, wrap: (v) => v },
  { name: 'RoomTopic', what: 'Topic', schema: RoomTopic, wrap: (v) => v },
  {
    name: 'ListPublicRoomsInput.query',
    what: 'Search',
    schema: ListPublicRoomsInput,
    wrap: (v) => ({ query: v }),
  },
  {
    name: 'RegisterWebhookInput.url',
    what: 'url',
    schema: RegisterWebhookInput,
    wrap: (v) => ({ url: `https://example.com/h${v}ook`, secret: 's'.repeat(16) }),
  },
  {
    name: 'RegisterWebhookInput.secret',
    what: 'secret',
    schema: RegisterWebhookInput,
    wrap: (v) => ({ url: 'https://example.com/hook', secret: `${'s'.repeat(16)}${v}` }),
  },
  {
    name: 'SubscribePushInput.endpoint',
    what: 'endpoint',
    schema: SubscribePushInput,
    wrap: (v) => ({
      endpoint: `https://push.example.com/${v}`,
      keys: { p256dh: `B${'a'.repeat(86)}`, auth: 'b'.repeat(22) },
    }),
  },
  { name: 'PollInput.pollId', what: 'pollId', schema: PollInput, wrap: (v) => ({ pollId: v }) },
];

describe.each(FIELDS)('$name', ({ what, schema, wrap }) => {
  it('accepts its plain value', () => {
    expect(safeParse(schema, wrap('abc')).success).toBe(true);
  });

  it('refuses a NUL, saying so', () => {
    expect(refusal(schema, wrap(`ab${NUL}c`))).toEqual([`${what} must not contain NUL characters`]);
  });

  it('refuses a lone surrogate (high or low), saying so', () => {
    const message = `${what} must be valid Unicode text (it has a lone surrogate)`;
    expect(refusal(schema, wrap(`ab${HIGH}c`))).toEqual([message]);
    expect(refusal(schema, wrap(`ab${LOW}c`))).toEqual([message]);
    // Both halves, in the wrong order, are two lone surrogates.
    expect(refusal(schema, wrap(`ab${LOW}${HIGH}c`))).toEqual([message]);
  });
});

describe('text that is stored as it was sent', () => {
  it('keeps astral characters: a surrogate pair is one valid character', () => {
    for (const body of ['😀', `a😀`, `😀b`, '𝄞 clef, 👩🏽‍💻 coder, 🇫🇷 flag']) {
      expect(MessageBody.parse(body)).toBe(body);
      expect(DisplayName.parse(body)).toBe(body);
      expect(RoomName.parse(body)).toBe(body);
    }
  });

  it('keeps newlines, tabs and carriage returns inside a message body', () => {
    expect(MessageBody.parse('line 1\r\nline 2\n\tindented')).toBe('line 1\r\nline 2\n\tindented');
  });

  it('refuses control characters and line breaks inside a name, after trimming the ends', () => {
    for (const inner of ['\n', '\t', '\r', '\u001b', '\u007f', '\u0085', '\u2028', '\u2029']) {
      expect(refusal(DisplayName, `Al${inner}ice`)).toEqual([
        'Display name must not contain control characters or line breaks',
      ]);
      expect(refusal(RoomName, `lob${inner}by`)).toEqual([
        'Room name must not contain control characters or line breaks',
      ]);
    }
    // A pasted name with a newline after it is trimmed, as it was before these rules.
    expect(DisplayName.parse('\tAlice\n')).toBe('Alice');
    expect(DeviceLabel.parse(' Firefox on Linux\r\n')).toBe('Firefox on Linux');
  });

  it('names the first fault a string has', () => {
    expect(textFault('ok')).toBeUndefined();
    expect(textFault(`${HIGH}${LOW}`)).toBeUndefined();
    expect(textFault(HIGH)).toBe('lone-surrogate');
    expect(textFault(`x${HIGH}`)).toBe('lone-surrogate');
    expect(textFault(`${LOW}x`)).toBe('lone-surrogate');
    expect(textFault(`${HIGH}${HIGH}${LOW}`)).toBe('lone-surrogate');
    expect(textFault(`a\tb${NUL}`)).toBe('nul');
    expect(textFault('a\tb', true)).toBe('control');
    expect(textFault('a\tb')).toBeUndefined();
  });
});

// Strings that often hold what these rules are about: every UTF-16 code unit can appear (so
// lone surrogates and NULs do), plus whole astral characters, white space and controls.
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const interesting = fc.constantFrom(NUL, HIGH, LOW, '😀', ' ', '\n', '\t', '\u001b', '\u2028');
const anyText = fc.string({
  unit: fc.oneof(codeUnit, interesting, fc.string({ unit: 'binary', maxLength: 1 })),
  maxLength: 40,
});

// The oracle does not reuse textFault: encodeURIComponent encodes to UTF-8 and throws a URIError
// on exactly the strings UTF-8 cannot carry, those with a lone surrogate.
function isValidUnicode(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}
const codePoints = (s: string) => [...s].length;

describe('for arbitrary strings', () => {
  it('a message body is accepted exactly when it has no NUL and no lone surrogate', () => {
    fc.assert(
      fc.property(anyText, (body) => {
        const trimmed = body.trim();
        const expected =
          !body.includes(NUL) &&
          isValidUnicode(body) &&
          codePoints(trimmed) >= 1 &&
          codePoints(trimmed) <= LIMITS.bodyMaxChars;
        const result = MessageBody.safeParse(body);
        expect(result.success).toBe(expected);
        // What is accepted is stored as sent, but for the white space around it.
        if (result.success) expect(result.data).toBe(trimmed);
      }),
      { numRuns: 2000 },
    );
  });

  it('a display name is accepted exactly when, trimmed, it has no NUL, lone surrogate or control', () => {
    fc.assert(
      fc.property(anyText, (name) => {
        const trimmed = name.trim();
        const expected =
          isValidUnicode(trimmed) &&
          !/[\p{Cc}\u2028\u2029]/u.test(trimmed) &&
          codePoints(trimmed) >= 1 &&
          codePoints(trimmed) <= LIMITS.displayNameMaxChars;
        expect(DisplayName.safeParse(name).success).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('a long body is refused for its length, and for a NUL whatever its length', () => {
    const long = 'x'.repeat(LIMITS.bodyMaxChars + 1);
    expect(refusal(MessageBody, long)).toEqual(['Message is longer than 4000 characters']);
    expect(refusal(MessageBody, `${long}${NUL}`)).toEqual([
      'Message must not contain NUL characters',
    ]);
  });
});
