import { describe, expect, it } from 'vitest';
import { HandlerSet } from './handler-set.js';

describe('HandlerSet', () => {
  it('hands out the same snapshot until the set changes, and never changes one handed out', () => {
    const set = new HandlerSet<string>();
    set.add('a');
    set.add('b');
    const first = set.snapshot();
    expect(first).toEqual(['a', 'b']);
    expect(set.snapshot()).toBe(first);

    set.add('c');
    set.delete('a');
    expect(first).toEqual(['a', 'b']);
    expect(set.snapshot()).toEqual(['b', 'c']);
    expect(set.size).toBe(2);
  });

  it('keeps one entry for a handler added twice, and a no-op change keeps the snapshot', () => {
    const set = new HandlerSet<string>();
    set.add('a');
    const first = set.snapshot();
    set.add('a');
    expect(set.delete('z')).toBe(false);
    expect(set.snapshot()).toBe(first);
    expect(set.delete('a')).toBe(true);
    expect(set.snapshot()).toEqual([]);
    expect([...set]).toEqual([]);
  });

  it('lets a walk of the snapshot reach every handler of its time while they change the set', () => {
    const set = new HandlerSet<() => void>();
    const heard: string[] = [];
    const late = () => heard.push('late');
    const b = () => heard.push('b');
    const a = () => {
      heard.push('a');
      set.delete(b); // leaves during the walk: it still hears this one
      set.add(late); // comes during the walk: it hears the next one
    };
    set.add(a);
    set.add(b);
    for (const handler of set.snapshot()) handler();
    expect(heard).toEqual(['a', 'b']);
    heard.length = 0;
    for (const handler of set.snapshot()) handler();
    expect(heard).toEqual(['a', 'late']);
  });
});
