import type { Message, RoomEvent } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { emptyTimeline, type Timeline, type TimelineAction, timelineReducer } from './timeline.js';

// A window into history (a message link, catching up): it pages forward until it joins the live
// end, and live events past it wait until then.

const room = 'room1';

function message(seq: number, body = `m${seq}`): Message {
  return {
    id: `m${seq}`,
    roomId: room,
    seq,
    authorId: 'u1',
    clientMsgId: `c${seq}`,
    body,
    createdAt: 1000 + seq,
    editedAt: null,
    deletedAt: null,
  };
}

const created = (seq: number): RoomEvent => ({
  type: 'message.created',
  roomId: room,
  seq,
  actorId: 'u1',
  at: 1000 + seq,
  message: message(seq),
});

const edited = (seq: number, messageSeq: number, body: string): RoomEvent => ({
  type: 'message.edited',
  roomId: room,
  seq,
  actorId: 'u1',
  at: 1000 + seq,
  messageId: `m${messageSeq}`,
  body,
});

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => message(from + i));

const run = (...actions: TimelineAction[]): Timeline =>
  actions.reduce(
    timelineReducer,
    timelineReducer(emptyTimeline(null), { type: 'reset', roomId: room }),
  );

const window = (from: number, to: number, hasMoreAfter: boolean): TimelineAction => ({
  type: 'window',
  roomId: room,
  page: { messages: range(from, to), hasMoreBefore: from > 1, hasMoreAfter, startSeq: 1 },
});

const newer = (from: number, to: number, hasMore: boolean): TimelineAction => ({
  type: 'newer',
  roomId: room,
  page: { messages: range(from, to), hasMore, startSeq: 1 },
});

const seqs = (t: Timeline) => t.messages.map((m) => m.seq);

describe('a timeline window', () => {
  it('holds new messages past the window (no gap) and shows edits of its own at once', () => {
    const t = run(
      window(10, 20, true),
      { type: 'event', event: created(500) },
      { type: 'event', event: edited(501, 15, 'fifteen, edited') },
    );
    expect(seqs(t)).toEqual(range(10, 20).map((m) => m.seq));
    expect(t.messages.find((m) => m.seq === 15)?.body).toBe('fifteen, edited');
    expect(t.hasNewer).toBe(true);
    expect(t.hasMore).toBe(true);
    expect(t.lastSeq).toBe(20);
  });

  it('pages forward in order and, on reaching the live end, applies what it held, each seq once', () => {
    const t = run(
      window(10, 20, true),
      // Committed while the window was open: 31 is also in the page that joins the live end.
      { type: 'event', event: created(31) },
      { type: 'event', event: created(32) },
      { type: 'event', event: edited(33, 31, 'thirty-one, edited') },
      newer(21, 25, true),
    );
    expect(seqs(t).at(-1)).toBe(25);
    expect(t.hasNewer).toBe(true);
    const joined = timelineReducer(t, newer(26, 31, false));
    expect(seqs(joined)).toEqual(range(10, 32).map((m) => m.seq));
    expect(joined.messages.find((m) => m.seq === 31)?.body).toBe('thirty-one, edited');
    expect(joined.hasNewer).toBe(false);
    expect(joined.held).toEqual([]);
    expect(joined.lastSeq).toBe(33);
    // From here on it is the live end: new messages join at once.
    expect(seqs(timelineReducer(joined, { type: 'event', event: created(34) })).at(-1)).toBe(34);
  });

  it('holds events that arrived before its first page, like the newest page does', () => {
    const t = run({ type: 'event', event: created(90) }, window(10, 20, true));
    expect(seqs(t).at(-1)).toBe(20);
    expect(t.held.map((e) => ('seq' in e ? e.seq : null))).toEqual([90]);
  });

  it('a window that already reaches the live end behaves as the newest page', () => {
    const t = run(window(10, 20, false), { type: 'event', event: created(21) });
    expect(seqs(t).at(-1)).toBe(21);
    expect(t.hasNewer).toBe(false);
  });

  it('ignores a forward page once it is at the live end (a late answer after a jump)', () => {
    const t = run(window(10, 20, false), newer(40, 41, false));
    expect(seqs(t).at(-1)).toBe(20);
  });
});
