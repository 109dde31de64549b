import { describe, expect, it } from 'vitest';
import { SmallMap } from './small-map.js';

/** Every observable view of a SmallMap, to compare with a Map fed the same operations. */
function view<K, V>(m: SmallMap<K, V> | Map<K, V>) {
  return {
    size: m.size,
    keys: [...m.keys()],
    values: [...m.values()],
    entries: [...m.entries()],
  };
}

describe('SmallMap', () => {
  it('holds one entry: get, has, replace, delete', () => {
    const m = new SmallMap<string, number>();
    expect(view(m)).toEqual({ size: 0, keys: [], values: [], entries: [] });
    expect(m.get('a')).toBeUndefined();
    expect(m.delete('a')).toBe(false);

    m.set('a', 1);
    expect(m.has('a')).toBe(true);
    expect(m.has('b')).toBe(false);
    expect(m.get('a')).toBe(1);
    expect(m.get('b')).toBeUndefined();
    m.set('a', 2);
    expect(view(m)).toEqual({ size: 1, keys: ['a'], values: [2], entries: [['a', 2]] });

    expect(m.delete('b')).toBe(false);
    expect(m.delete('a')).toBe(true);
    expect(m.has('a')).toBe(false);
    expect(view(m)).toEqual({ size: 0, keys: [], values: [], entries: [] });
  });

  it('holds an undefined value as an entry', () => {
    const m = new SmallMap<string, undefined>();
    m.set('a', undefined);
    expect(m.has('a')).toBe(true);
    expect(m.size).toBe(1);
  });

  it('behaves as a Map through growing past one entry, deletes and clear', () => {
    const small = new SmallMap<string | number, string>();
    const map = new Map<string | number, string>();
    const steps: Array<
      (m: SmallMap<string | number, string> | Map<string | number, string>) => unknown
    > = [
      (m) => m.set('room-1', 'a'),
      (m) => m.set(2, 'b'),
      (m) => m.set('room-1', 'c'),
      (m) => m.set(Number.NaN, 'd'),
      (m) => m.get(Number.NaN),
      (m) => m.delete(2),
      (m) => m.delete(2),
      (m) => m.has('room-1'),
      (m) => m.set(2, 'e'),
      (m) => m.clear(),
      (m) => m.set('x', 'f'),
    ];
    for (const step of steps) {
      const got = step(small);
      const expected = step(map);
      if (!(expected instanceof Map)) expect(got).toEqual(expected);
      expect(view(small)).toEqual(view(map));
    }
  });

  it('compares keys as a Map does (SameValueZero)', () => {
    const m = new SmallMap<number, string>();
    m.set(Number.NaN, 'nan');
    expect(m.get(Number.NaN)).toBe('nan');
    m.set(0, 'zero');
    m.set(-0, 'minus zero');
    expect(view(m)).toEqual(
      view(
        new Map([
          [Number.NaN, 'nan'],
          [0, 'minus zero'],
        ]),
      ),
    );
  });

  it('lets go of a deleted value', () => {
    const m = new SmallMap<string, object>();
    m.set('a', { big: true });
    m.delete('a');
    // Nothing of the entry is left in the instance's fields.
    expect(Object.values(m).filter((v) => typeof v === 'object' && v !== null)).toEqual([]);
  });
});
