import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDraft, writeDraft } from './drafts';

/** A Map-backed localStorage (the tests run in Node, which has none). */
function fakeStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
    items,
  };
}

describe('drafts', () => {
  let storage: ReturnType<typeof fakeStorage>;
  beforeEach(() => {
    storage = fakeStorage();
    Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true });
  });
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'localStorage');
  });

  it('keeps one draft per user and room, and forgets an empty one', () => {
    writeDraft('u1', 'r1', 'hello\nworld');
    writeDraft('u1', 'r2', 'other room');
    writeDraft('u2', 'r1', 'other user');
    expect(readDraft('u1', 'r1')).toBe('hello\nworld');
    expect(readDraft('u1', 'r2')).toBe('other room');
    expect(readDraft('u2', 'r1')).toBe('other user');
    writeDraft('u1', 'r1', '');
    expect(readDraft('u1', 'r1')).toBe('');
    expect(storage.items.size).toBe(2);
  });

  it('without storage (disabled, full) drafts read empty and writing does not throw', () => {
    const throwing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    Object.defineProperty(globalThis, 'localStorage', { value: throwing, configurable: true });
    expect(() => writeDraft('u1', 'r1', 'x')).not.toThrow();
    expect(readDraft('u1', 'r1')).toBe('');
  });
});
