import { describe, expect, it } from 'vitest';
import { withArgumentsLast } from './admin-cli.js';

describe('admin command arguments', () => {
  const options = { all: { type: 'boolean' }, reason: { type: 'string' } } as const;

  it('reads a word starting with "-" as an argument (an id may start with one), in order', () => {
    expect(withArgumentsLast(['sam', '-AbC_9', 'x'], options)).toEqual([
      '--',
      'sam',
      '-AbC_9',
      'x',
    ]);
  });

  it('keeps long options and the value of one that takes a value, even one starting with "-"', () => {
    expect(withArgumentsLast(['sam', '--all', '--reason', '-lost phone', 'id'], options)).toEqual([
      '--all',
      '--reason',
      '-lost phone',
      '--',
      'sam',
      'id',
    ]);
    expect(withArgumentsLast(['--reason=x', 'sam'], options)).toEqual(['--reason=x', '--', 'sam']);
    // An unknown option stays an option, for parseArgs to refuse by name.
    expect(withArgumentsLast(['--pasword', 'sam'], options)).toEqual(['--pasword', '--', 'sam']);
  });

  it('reads a word starting with "--" that cannot be an option name as an argument (an id)', () => {
    expect(withArgumentsLast(['--lH9hIKFkB7T0nP9F9Tow'], options)).toEqual([
      '--',
      '--lH9hIKFkB7T0nP9F9Tow',
    ]);
    expect(withArgumentsLast(['--all', '--a_b'], options)).toEqual(['--all', '--', '--a_b']);
  });

  it('takes everything after "--" as arguments', () => {
    expect(withArgumentsLast(['sam', '--', '--all'], options)).toEqual(['--', 'sam', '--all']);
  });
});
