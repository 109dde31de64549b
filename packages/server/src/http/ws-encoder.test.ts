import { describe, expect, it } from 'vitest';
import { sharedEventEncoder } from './ws-encoder.js';

const frame = (subscription: number, event: object) => ({
  id: subscription,
  result: { type: 'data', data: { id: 'room1:7', data: event }, id: 'room1:7' },
});

describe('the WebSocket encoder', () => {
  it('produces the same JSON as JSON.stringify', () => {
    const event = {
      type: 'message.created',
      roomId: 'room1',
      seq: 7,
      message: { body: 'quote " and \u0001 and </script>' },
    };
    for (const message of [
      frame(3, event),
      { id: 1, result: { type: 'started' } },
      { id: null, method: 'reconnect' },
    ]) {
      expect(sharedEventEncoder.encode(message)).toBe(JSON.stringify(message));
    }
  });

  it('serializes an event shared by many connections once', () => {
    let serializations = 0;
    // Each serialization reads `seq` once: count the reads.
    const event = {
      type: 'message.created',
      get seq() {
        serializations++;
        return 7;
      },
    };
    const frames = [1, 2, 3].map((subscription) =>
      sharedEventEncoder.encode(frame(subscription, event)),
    );
    expect(serializations).toBe(1);
    expect(frames.map((f) => JSON.parse(f as string))).toEqual(
      [1, 2, 3].map((id) => ({
        id,
        result: {
          type: 'data',
          data: { id: 'room1:7', data: { type: 'message.created', seq: 7 } },
          id: 'room1:7',
        },
      })),
    );
  });
});
