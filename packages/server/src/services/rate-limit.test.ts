import { describe, expect, it } from 'vitest';
import { createTokenBuckets } from './rate-limit.js';

/** `keys` addresses each take two tokens (a burst of 2 spent). */
function spendTwice(buckets: ReturnType<typeof createTokenBuckets>, keys: number): void {
  for (let i = 0; i < keys; i++) {
    buckets.take(`spent-${i}`);
    buckets.take(`spent-${i}`);
  }
}

describe('token buckets', () => {
  it('give a burst, then one token per 1/rate seconds, and say how long until the next', () => {
    let now = 0;
    const buckets = createTokenBuckets({ ratePerSecond: 2, burst: 3, now: () => now });
    expect(buckets.has('a')).toBe(true);
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([0, 0, 0, 500]);
    expect(buckets.has('a')).toBe(false);
    // Another key has its own.
    expect(buckets.take('b')).toBe(0);
    now = 250;
    expect(buckets.take('a')).toBe(250);
    now = 500;
    expect(buckets.has('a')).toBe(true);
    expect(buckets.take('a')).toBe(0);
    // A token taken back for work refused.
    buckets.giveBack('a');
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(500);
  });

  it('forget keys whose buckets have refilled since, once they hold many (addresses come and go)', () => {
    let now = 0;
    const buckets = createTokenBuckets({ ratePerSecond: 1, burst: 2, now: () => now });
    // 10,001 addresses spend their burst at once: all kept (the count passed 10,000 at the
    // last one's first take, when its bucket had one token taken, which counts as full: it was
    // forgotten, then its second take counted it again).
    spendTwice(buckets, 10_001);
    expect(buckets.size()).toBe(10_001);
    // Two seconds on every one of them is full again, though its stored count says empty: the
    // next take forgets them all (the new key too, one token taken).
    now = 2000;
    expect(buckets.take('new')).toBe(0);
    expect(buckets.size()).toBe(0);
  });

  it('walk their keys to forget full buckets at most once a second', () => {
    let now = 0;
    // Ten tokens a second, bursts of 2: a spent bucket counts as full again 100 ms later.
    const buckets = createTokenBuckets({ ratePerSecond: 10, burst: 2, now: () => now });
    spendTwice(buckets, 10_001);
    expect(buckets.size()).toBe(10_001);
    // Every bucket has refilled, but the last walk was 500 ms ago: keys that keep spending
    // would otherwise make each take walk them all.
    now = 500;
    buckets.take('late');
    expect(buckets.size()).toBe(10_002);
    now = 1000;
    buckets.take('later');
    expect(buckets.size()).toBe(0);
  });
});
