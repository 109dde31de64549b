import { describe, expect, it } from 'vitest';
import { createEventDecoder } from './decoded-events.js';

const payload = (seq: number, body = 'hello') =>
  JSON.stringify({ type: 'message.created', roomId: 'r1', seq, message: { body } });

describe('event decoder', () => {
  it('hands out one object for one payload, read again as a new string', () => {
    const decode = createEventDecoder();
    const first = decode({ payload: payload(1) });
    // A row read again is a new string with the same content.
    const again = decode({ payload: payload(1).slice(0) });
    expect(again).toBe(first);
    expect(first).toEqual(JSON.parse(payload(1)));
  });

  it('decodes a payload rewritten in place (a scrubbed message) to a new object', () => {
    const decode = createEventDecoder();
    const before = decode({ payload: payload(1, 'secret') });
    const after = decode({ payload: payload(1, '') });
    expect(after).not.toBe(before);
    expect(after).toEqual(JSON.parse(payload(1, '')));
  });

  it('keeps a bounded number: the oldest are decoded anew', () => {
    const decode = createEventDecoder();
    const oldest = decode({ payload: payload(0) });
    for (let seq = 1; seq <= 4096; seq++) decode({ payload: payload(seq) });
    const newest = decode({ payload: payload(4096) });
    expect(decode({ payload: payload(4096) })).toBe(newest);
    expect(decode({ payload: payload(0) })).not.toBe(oldest);
  });
});
