import fc from 'fast-check';

/**
 * Hostile leaves: what breaks parsers, encoders and stores. NUL and lone surrogates (invalid
 * UTF-8 once encoded), bidi overrides, percent-encoding that does not decode, path tricks,
 * prototype names, numbers JSON cannot round-trip, and lengths just past each contract limit.
 */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\u202e',
  '\u2066x\u2069',
  '\ufeff',
  '\u200b',
  '\r\n',
  '%',
  '%zz',
  '%00',
  '%ED%A0%80',
  '../',
  '..%2f..%2f',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '1e308',
  '0x10',
  "' OR 1=1 --",
  '"; DROP TABLE messages; --',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '${process.exit()}',
];

/** Lengths around the contracts' limits (LIMITS, NOTIFICATION_LIMITS) and the 64 KiB payload cap. */
const LENGTHS = [2, 3, 32, 33, 64, 65, 80, 81, 256, 257, 300, 301, 2048, 2049, 4000, 4001, 70_000];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ maxLength: 30 }),
  fc
    .tuple(fc.constantFrom(...LENGTHS), fc.constantFrom('a', 'é', '😀', '\u0000', '\ud800', ' '))
    .map(([n, unit]) => unit.repeat(n)),
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-1, 0, -0, 1, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 53, 2 ** 53 + 2, Number.NaN),
  fc.constantFrom(Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.integer(),
  fc.double(),
);

/** `[[[...]]]` or `{a:{a:...}}` some thousands deep (JSON keeps it; a recursive walk may not). */
export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 10, max: 3_000 }), fc.boolean())
  .map(([depth, arrays]) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i += 1) value = arrays ? [value] : { a: value };
    return value;
  });

/** An object whose own keys are prototype names: JSON.parse makes them own properties too. */
export const prototypeKeys: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue())
  .map(([key, value]) =>
    JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(value) ?? 'null'}}`),
  );

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: prototypeKeys },
  { weight: 1, arbitrary: fc.array(fc.jsonValue(), { maxLength: 5 }) },
);

/** JSON text as a client may send it: the value's JSON, or text that is almost JSON. */
export const jsonishText = (value: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: value.map((v) => JSON.stringify(v) ?? '') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{',
        '[',
        '{"a":',
        'nul',
        '"\\ud800"',
        '{"a":1}}',
        '\u0000',
        '1e999',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
