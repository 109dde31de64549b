import { describe, expect, it } from 'vitest';
import { beforeWrite, holdUntilBurstEnds } from './write-coalescing.js';

/** A stream that records cork and uncork calls. */
function stream() {
  const calls: string[] = [];
  return { calls, cork: () => calls.push('cork'), uncork: () => calls.push('uncork') };
}
const tickEnd = () => new Promise<void>((resolve) => process.nextTick(resolve));

describe('beforeWrite', () => {
  it('lets the first write of a burst go at once and holds the rest until the burst ends', async () => {
    const a = stream();
    const b = stream();
    beforeWrite(a); // alone so far: written at once
    beforeWrite(b);
    expect(a.calls).toEqual([]);
    beforeWrite(a); // a second event for a in the same burst: held...
    beforeWrite(a); // ...with the third, under one cork
    expect(a.calls).toEqual(['cork']);
    expect(b.calls).toEqual([]);
    await tickEnd();
    expect(a.calls).toEqual(['cork', 'uncork']); // ...and sent together
    expect(b.calls).toEqual([]); // b had one event: never held

    // A new burst starts afresh.
    beforeWrite(a);
    expect(a.calls).toEqual(['cork', 'uncork']);
    await tickEnd();
  });

  it('holds a stream from its first write when asked, and releases it with the burst', async () => {
    const a = stream();
    const b = stream();
    beforeWrite(b); // another stream opened the burst
    holdUntilBurstEnds(a); // a's next writes, the first included, are held
    expect(a.calls).toEqual(['cork']);
    beforeWrite(a);
    holdUntilBurstEnds(a);
    expect(a.calls).toEqual(['cork']); // one cork for the whole burst
    await tickEnd();
    expect(a.calls).toEqual(['cork', 'uncork']);
    expect(b.calls).toEqual([]);

    // Alone in a burst, it still holds, and the burst's end releases it.
    holdUntilBurstEnds(a);
    expect(a.calls).toEqual(['cork', 'uncork', 'cork']);
    await tickEnd();
    expect(a.calls).toEqual(['cork', 'uncork', 'cork', 'uncork']);
  });

  it('counts a write made while a held stream is released in the next burst', async () => {
    const b = stream();
    const a = {
      ...stream(),
      // Uncorking a stream can run callbacks that write again (to b, twice).
      uncork: () => {
        beforeWrite(b);
        beforeWrite(b);
      },
    };
    holdUntilBurstEnds(a);
    await tickEnd();
    // b's second write was held, and released when that burst ended...
    expect(b.calls).toEqual(['cork', 'uncork']);
    // ...and a later lone write to b is a burst's first again: not held.
    beforeWrite(b);
    expect(b.calls).toEqual(['cork', 'uncork']);
    await tickEnd();
  });
});
