import { describe, expect, it } from 'vitest';
import { sharedReads } from './shared-reads.js';

/** A log the reads see as it is when they begin; `begun` records what each read saw. */
function fakeLog() {
  const log: number[] = [1, 2, 3];
  const begun: { key: string; saw: number[] }[] = [];
  let failNext = false;
  let whileReading: (() => void) | undefined;
  const read = sharedReads(
    async (room: string, after: number) => {
      const saw = log.filter((seq) => seq > after);
      begun.push({ key: `${room}:${after}`, saw });
      // Something happens while this read is under way (the test's hook), then it answers.
      whileReading?.();
      whileReading = undefined;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failNext) {
        failNext = false;
        throw new Error('store down');
      }
      return { events: saw };
    },
    (room, after) => `${after} ${room}`,
  );
  return {
    log,
    begun,
    read,
    failNextRead: () => {
      failNext = true;
    },
    during(hook: () => void) {
      whileReading = hook;
    },
  };
}

describe('sharedReads', () => {
  it('answers identical reads asked together with one read, and different ones apart', async () => {
    const { read, begun } = fakeLog();
    const answers = await Promise.all([read('r', 1), read('r', 1), read('r', 2), read('r', 1)]);
    expect(answers.map((a) => a.events)).toEqual([[2, 3], [2, 3], [3], [2, 3]]);
    // One answer object for the three identical callers.
    expect(answers[1]).toBe(answers[0]);
    expect(answers[3]).toBe(answers[0]);
    expect(begun.map((b) => b.key)).toEqual(['r:1', 'r:2']);
  });

  it('never hands a caller a read that began before it asked (regression guard: an event committed meanwhile would be missed)', async () => {
    const { read, begun, log, during } = fakeLog();
    let late: Promise<{ events: number[] }> | undefined;
    // While the first read is under way, seq 4 is committed and a second device asks.
    during(() => {
      log.push(4);
      late = read('r', 1);
    });
    const first = await read('r', 1);
    expect(first.events).toEqual([2, 3]);
    expect((await late)?.events).toEqual([2, 3, 4]);
    expect(begun.map((b) => b.saw)).toEqual([
      [2, 3],
      [2, 3, 4],
    ]);
  });

  it('fails every caller of a failed read; the next caller reads again', async () => {
    const { read, failNextRead, begun } = fakeLog();
    failNextRead();
    const together = [read('r', 0), read('r', 0)];
    await expect(together[0]).rejects.toThrow('store down');
    await expect(together[1]).rejects.toThrow('store down');
    expect((await read('r', 0)).events).toEqual([1, 2, 3]);
    expect(begun).toHaveLength(2);
  });
});
