import { describe, expect, it } from 'vitest';
import { Tracker } from './tracker.js';

/** Delivers seq base+k → index order[k] to every subscriber. */
function deliverAll(tracker: Tracker, order: number[], base = 100): void {
  for (let s = 0; s < tracker.subscribers; s++) {
    for (const [k, index] of order.entries()) tracker.deliver(s, base + k, index);
  }
}

describe('Tracker', () => {
  it('passes when every subscriber gets every message once, in the room order', () => {
    const tracker = new Tracker(3, 4);
    // The room may order messages differently from the publisher (concurrent HTTP sends).
    deliverAll(tracker, [1, 0, 2, 3]);
    expect(tracker.completed).toBe(4);
    expect(tracker.verify(4)).toBe(true);
  });

  it('fails a lost message', () => {
    const lossy = new Tracker(2, 3);
    lossy.deliver(0, 1, 0);
    lossy.deliver(0, 2, 1);
    lossy.deliver(0, 3, 2);
    lossy.deliver(1, 1, 0);
    lossy.deliver(1, 3, 2);
    expect(lossy.verify(3)).toBe(false);
    expect(lossy.failure).toContain('seq 3 after 1');
  });

  it('fails a repeated message', () => {
    const tracker = new Tracker(1, 2);
    tracker.deliver(0, 1, 0);
    tracker.deliver(0, 1, 0);
    tracker.deliver(0, 2, 1);
    expect(tracker.verify(2)).toBe(false);
  });

  it('fails when subscribers see different messages under one seq', () => {
    const tracker = new Tracker(2, 2);
    tracker.deliver(0, 1, 0);
    tracker.deliver(0, 2, 1);
    tracker.deliver(1, 1, 1);
    tracker.deliver(1, 2, 0);
    expect(tracker.verify(2)).toBe(false);
    expect(tracker.failure).toContain('seq 1 carried message 0 to one and 1 to another');
  });

  it('fails a message that never arrives, even with consecutive seqs', () => {
    const tracker = new Tracker(1, 3);
    tracker.deliver(0, 1, 0);
    tracker.deliver(0, 2, 1);
    expect(tracker.verify(3)).toBe(false);
    expect(tracker.failure).toContain('received 2 of 3');
  });

  it('splits latency samples by subscriber range', () => {
    const tracker = new Tracker(4, 2, { latency: true });
    tracker.recordLatencyFrom = 1;
    tracker.markSent(0);
    tracker.markSent(1);
    deliverAll(tracker, [0, 1]);
    expect(tracker.latencySamples()).toHaveLength(4);
    expect(tracker.latencySamples({ from: 0, to: 3 })).toHaveLength(3);
    expect(tracker.latencySamples({ from: 3, to: 4 })).toHaveLength(1);
  });

  it('times out waiting for messages that do not come', async () => {
    const tracker = new Tracker(1, 2);
    tracker.deliver(0, 1, 0);
    expect(await tracker.waitCompleted(2, 20)).toBe(false);
    expect(tracker.failure).toContain('timed out');
  });
});
