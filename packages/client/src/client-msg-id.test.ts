import { describe, expect, it } from 'vitest';
import { newClientMsgId } from './client-msg-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newClientMsgId', () => {
  it('is a UUID version 7 carrying the time it was made', () => {
    const id = newClientMsgId(1_767_225_600_123);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(1_767_225_600_123);
  });

  it('sorts in the order the ids were made, within a millisecond and across them', () => {
    const at = 1_767_225_700_000;
    const ids = [
      ...Array.from({ length: 5000 }, () => newClientMsgId(at)),
      ...Array.from({ length: 10 }, (_, i) => newClientMsgId(at + 1 + i)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('never goes back when the clock does', () => {
    const later = newClientMsgId(1_767_225_800_000);
    const earlier = newClientMsgId(1_767_225_799_000);
    expect(earlier > later).toBe(true);
  });
});
