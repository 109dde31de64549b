import { describe, expect, it } from 'vitest';
import { testMessage } from './bus-recorder.js';
import { parseEnvelope, SeqTracker, Stamper } from './redis-bus-wire.js';

describe('Redis bus wire', () => {
  it('stamps each topic with its own counter from 1, under one publisher id', () => {
    const stamper = new Stamper();
    const sent = ['a', 'b', 'a', 'a', 'b'].map((topic) =>
      parseEnvelope(stamper.stamp(topic, testMessage('A', 1))),
    );
    expect(sent.map((envelope) => envelope?.n)).toEqual([1, 1, 2, 3, 2]);
    expect(new Set(sent.map((envelope) => envelope?.p)).size).toBe(1);
    expect(sent[0]?.m).toEqual(testMessage('A', 1));
  });

  it('gives two stampers (two processes) different publisher ids', () => {
    const [one, two] = [new Stamper(), new Stamper()];
    expect(parseEnvelope(one.stamp('t', testMessage('A', 1)))?.p).not.toBe(
      parseEnvelope(two.stamp('t', testMessage('A', 1)))?.p,
    );
  });

  it('sees a jump per publisher, takes a first message as the start, and starts over after reset', () => {
    const seq = new SeqTracker();
    const m = testMessage('A', 1);
    const missed = (p: string, n: number) => seq.missedBefore({ p, n, m });
    expect([
      missed('x', 5),
      missed('x', 6),
      missed('y', 1),
      missed('x', 8),
      missed('x', 9),
    ]).toEqual([false, false, false, true, false]);
    seq.reset();
    expect(missed('x', 20)).toBe(false);
  });

  it('refuses payloads that are not envelopes', () => {
    for (const raw of [
      '',
      'null',
      '[]',
      '{"p":1,"n":1,"m":{}}',
      '{"p":"x","n":"1","m":{}}',
      '{"p":"x","n":1}',
    ]) {
      expect(parseEnvelope(raw)).toBeUndefined();
    }
  });
});
