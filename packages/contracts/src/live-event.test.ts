import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandEvent, flatEvent, idsSnapshot, slimEvent } from './live-event.js';
import type { Message } from './models.js';
import { StreamEvent } from './stream.js';

const at = 1_733_420_000_000;
const created = (message: Partial<Message> = {}, envelope: { actorId?: string } = {}) =>
  StreamEvent.parse({
    type: 'message.created',
    roomId: 'room1',
    seq: 42,
    actorId: envelope.actorId ?? 'ann',
    at,
    message: {
      id: 'msg1',
      roomId: 'room1',
      seq: 42,
      authorId: 'ann',
      clientMsgId: 'c-1',
      body: 'hello',
      createdAt: at,
      editedAt: null,
      deletedAt: null,
      ...message,
    },
  });

const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/);
const time = fc.integer({ min: 0, max: 4_102_444_800_000 });
/** A message's fields that the formats treat apart: times, nulls, an author, the optional ones. */
const message = fc.record(
  {
    authorId: id,
    createdAt: time,
    editedAt: fc.option(time, { nil: null }),
    deletedAt: fc.option(time, { nil: null }),
    body: fc.string({ maxLength: 40 }),
    threadId: id,
    replyToId: id,
    mentions: fc.array(id, { maxLength: 3 }),
    mentionsRoom: fc.constant(true as const),
  },
  { requiredKeys: ['authorId', 'createdAt', 'editedAt', 'deletedAt', 'body'] },
);

describe('stream format 2 (events.live)', () => {
  it('sends a new message without what its envelope already says', () => {
    expect(slimEvent(created())).toEqual({
      type: 'message.created',
      roomId: 'room1',
      seq: 42,
      at,
      message: { id: 'msg1', authorId: 'ann', clientMsgId: 'c-1', body: 'hello' },
    });
  });

  it('keeps what differs from the envelope: a backfilled edit and deletion, another actor', () => {
    const event = created(
      { editedAt: at + 5, deletedAt: at + 9, body: '', createdAt: at - 1 },
      { actorId: 'bot' },
    );
    expect(slimEvent(event)).toMatchObject({
      actorId: 'bot',
      message: { createdAt: at - 1, editedAt: at + 5, deletedAt: at + 9, body: '' },
    });
  });

  it('expands every slimmed message.created back to the event it was made from', () => {
    fc.assert(
      fc.property(message, fc.option(id, { nil: undefined }), (fields, actorId) => {
        const event = created(fields, actorId ? { actorId } : {});
        const slim = slimEvent(event);
        // Through JSON, as on the wire: nothing the event says is lost or changed.
        expect(expandEvent(JSON.parse(JSON.stringify(slim)))).toEqual(event);
      }),
    );
  });

  it('carries every other event as format 1 does', () => {
    const edited = StreamEvent.parse({
      type: 'message.edited',
      roomId: 'room1',
      seq: 43,
      actorId: 'ann',
      at,
      messageId: 'msg1',
      body: 'hello again',
    });
    const sync = StreamEvent.parse({ type: 'sync', cursors: { room1: 43 } });
    for (const event of [edited, sync]) {
      expect(slimEvent(event)).toBe(event);
      expect(expandEvent(slimEvent(event))).toBe(event);
    }
  });

  it('makes a plain message.created at least 25% smaller', () => {
    const event = created({
      body: 'x'.repeat(120),
      clientMsgId: '3b241101-e2bb-4255-8caf-4136c566a962',
    });
    const format1 = JSON.stringify(event).length;
    expect(JSON.stringify(slimEvent(event)).length).toBeLessThan(format1 * 0.75);
  });
});

describe('stream format 3 (events.live with format 3)', () => {
  it("puts a message's fields in the event, and its clientMsgId only in its author's copy", () => {
    const event = created();
    const others = { type: 'message.created', roomId: 'room1', seq: 42, at, id: 'msg1' };
    expect(flatEvent(event, false)).toEqual({ ...others, authorId: 'ann', body: 'hello' });
    expect(flatEvent(event, true)).toEqual({
      ...others,
      authorId: 'ann',
      body: 'hello',
      clientMsgId: 'c-1',
    });
  });

  it("expands the author's copy to the event it was made from, and anyone else's without the key", () => {
    fc.assert(
      fc.property(message, fc.option(id, { nil: undefined }), (fields, actorId) => {
        const event = created(fields, actorId ? { actorId } : {});
        if (event.type !== 'message.created') throw new Error('not a message');
        const { clientMsgId: _key, ...withoutKey } = event.message;
        // Through JSON, as on the wire.
        const wire = (toAuthor: boolean) => JSON.parse(JSON.stringify(flatEvent(event, toAuthor)));
        expect(expandEvent(wire(true))).toEqual(event);
        expect(expandEvent(wire(false))).toEqual({ ...event, message: withoutKey });
      }),
    );
  });

  it('carries every other event as format 1 does', () => {
    const sync = StreamEvent.parse({ type: 'sync', cursors: { room1: 43 } });
    expect(flatEvent(sync, true)).toBe(sync);
    expect(expandEvent(flatEvent(sync, false))).toBe(sync);
  });

  it("is smaller than format 2 by the message's braces, and for others by the key", () => {
    const event = created({
      body: 'x'.repeat(120),
      clientMsgId: '3b241101-e2bb-4255-8caf-4136c566a962',
    });
    const format2 = JSON.stringify(slimEvent(event)).length;
    const braces = '"message":{}'.length;
    expect(JSON.stringify(flatEvent(event, true)).length).toBe(format2 - braces);
    const key = ',"clientMsgId":"3b241101-e2bb-4255-8caf-4136c566a962"'.length;
    expect(JSON.stringify(flatEvent(event, false)).length).toBe(format2 - braces - key);
  });
});

describe("stream format 3 with snapshot: 'ids': presence.snapshot", () => {
  const snapshot = (users: { userId: string; status: string; lastSeenAt: number | null }[]) =>
    StreamEvent.parse({ type: 'presence.snapshot', users });
  const people = snapshot([
    { userId: 'ann', status: 'online', lastSeenAt: null },
    { userId: 'bob', status: 'away', lastSeenAt: null },
    { userId: 'cy', status: 'online', lastSeenAt: null },
  ]);

  it('lists who is online and who is away by id', () => {
    expect(idsSnapshot(flatEvent(people, false))).toEqual({
      type: 'presence.snapshot',
      online: ['ann', 'cy'],
      away: ['bob'],
    });
  });

  it('is asked for: format 3 alone keeps the snapshot whole, for clients from before it', () => {
    expect(flatEvent(people, false)).toBe(people);
  });

  it('expands to the same people, those online first, each in the order they came', () => {
    const state = fc.record({
      userId: id,
      status: fc.constantFrom('online' as const, 'away' as const),
      lastSeenAt: fc.constant(null),
    });
    fc.assert(
      fc.property(fc.array(state, { maxLength: 30 }), (users) => {
        const wire = JSON.parse(JSON.stringify(idsSnapshot(flatEvent(snapshot(users), true))));
        expect(expandEvent(wire)).toEqual({
          type: 'presence.snapshot',
          users: [
            ...users.filter((u) => u.status === 'online'),
            ...users.filter((u) => u.status === 'away'),
          ],
        });
      }),
    );
  });

  it('keeps a snapshot that lists someone offline or a last-seen time whole (nothing is lost)', () => {
    for (const odd of [
      { userId: 'bob', status: 'offline', lastSeenAt: at },
      { userId: 'bob', status: 'away', lastSeenAt: at },
    ]) {
      const event = snapshot([{ userId: 'ann', status: 'online', lastSeenAt: null }, odd]);
      expect(idsSnapshot(flatEvent(event, false))).toBe(event);
      expect(expandEvent(idsSnapshot(flatEvent(event, false)))).toBe(event);
    }
  });

  it('leaves every other event as it is', () => {
    const sync = StreamEvent.parse({ type: 'sync', cursors: { room1: 43 } });
    expect(idsSnapshot(flatEvent(sync, false))).toBe(sync);
  });

  it('takes under 40% of the bytes of format 1 for 200 people online', () => {
    const event = snapshot(
      Array.from({ length: 200 }, (_, n) => ({
        userId: `user-${String(n).padStart(17, '0')}`, // 22 characters, as a UserId
        status: n % 10 === 0 ? 'away' : 'online',
        lastSeenAt: null,
      })),
    );
    const format1 = JSON.stringify(event).length;
    expect(JSON.stringify(idsSnapshot(flatEvent(event, false))).length).toBeLessThan(format1 * 0.4);
  });
});
