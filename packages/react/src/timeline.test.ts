import type { Message, RoomEvent } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { emptyTimeline, type Timeline, type TimelineAction, timelineReducer } from './timeline.js';

const room = 'room1';

function message(seq: number, body: string): Message {
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

const created = (seq: number, body: string): RoomEvent => ({
  type: 'message.created',
  roomId: room,
  seq,
  actorId: 'u1',
  at: 1000 + seq,
  message: message(seq, body),
});

const run = (...actions: TimelineAction[]): Timeline =>
  actions.reduce(
    timelineReducer,
    timelineReducer(emptyTimeline(null), { type: 'reset', roomId: room }),
  );

const bodies = (t: Timeline) => t.messages.map((m) => `${m.seq}:${m.body}`);

describe('timeline', () => {
  it('queues events that arrive before the first page and applies them after it, each seq once', () => {
    const t = run(
      { type: 'event', event: created(3, 'three') },
      {
        type: 'event',
        event: {
          type: 'message.edited',
          roomId: room,
          seq: 4,
          actorId: 'u1',
          at: 2000,
          messageId: 'm2',
          body: 'two, edited',
        },
      },
      {
        type: 'history',
        roomId: room,
        page: {
          messages: [message(1, 'one'), message(2, 'two'), message(3, 'three')],
          hasMore: false,
          startSeq: 1,
        },
      },
    );
    expect(bodies(t)).toEqual(['1:one', '2:two, edited', '3:three']);
    expect(t.messages[1]?.editedAt).toBe(2000);
    expect(t.lastSeq).toBe(4);
    expect(t.queued).toEqual([]);
  });

  it('prepends older pages without touching what is held, and keeps deleted messages as tombstones', () => {
    const t = run(
      {
        type: 'history',
        roomId: room,
        page: { messages: [message(5, 'five')], hasMore: true, startSeq: 1 },
      },
      {
        type: 'event',
        event: {
          type: 'message.deleted',
          roomId: room,
          seq: 6,
          actorId: 'u1',
          at: 3000,
          messageId: 'm5',
        },
      },
      {
        type: 'event',
        event: {
          type: 'message.edited',
          roomId: room,
          seq: 7,
          actorId: 'u1',
          at: 3100,
          messageId: 'm5',
          body: 'back?',
        },
      },
      {
        type: 'older',
        roomId: room,
        page: {
          messages: [message(2, 'two'), message(5, 'stale five')],
          hasMore: false,
          startSeq: 1,
        },
      },
    );
    expect(bodies(t)).toEqual(['2:two', '5:']);
    expect(t.messages[1]?.deletedAt).toBe(3000);
    expect(t.hasMore).toBe(false);
  });

  it("ignores another room's events and a page that answers for the previous room", () => {
    const t = run(
      {
        type: 'history',
        roomId: 'other',
        page: { messages: [message(1, 'elsewhere')], hasMore: false, startSeq: 1 },
      },
      { type: 'history', roomId: room, page: { messages: [], hasMore: false, startSeq: 1 } },
      { type: 'event', event: { ...created(1, 'x'), roomId: 'other' } },
    );
    expect(t.messages).toEqual([]);
    expect(t.loaded).toBe(true);
  });

  it('history.truncated drops what the server deleted and says where history begins, queued or live', () => {
    const truncated = (beforeSeq: number): TimelineAction => ({
      type: 'event',
      event: { type: 'history.truncated', roomId: room, beforeSeq },
    });
    // Live: a device held 1..3 when it went away; retention deleted 1..5; it resumes.
    const live = run(
      {
        type: 'history',
        roomId: room,
        page: {
          messages: [message(1, 'one'), message(2, 'two'), message(3, 'three')],
          hasMore: false,
          startSeq: 1,
        },
      },
      truncated(6),
      { type: 'event', event: created(6, 'six') },
      truncated(4), // an older cut heard late changes nothing
    );
    expect(bodies(live)).toEqual(['6:six']);
    expect([live.startSeq, live.hasMore, live.lastSeq]).toEqual([6, false, 6]);
    // Queued before the first page, whose own start is older than the cut.
    const queued = run(truncated(3), {
      type: 'history',
      roomId: room,
      page: { messages: [message(2, 'two'), message(4, 'four')], hasMore: false, startSeq: 2 },
    });
    expect(bodies(queued)).toEqual(['4:four']);
    expect(queued.startSeq).toBe(3);
    // A page alone says it: messages before seq 10 are gone.
    const paged = run({
      type: 'history',
      roomId: room,
      page: { messages: [message(12, 'twelve')], hasMore: false, startSeq: 10 },
    });
    expect([paged.startSeq, paged.hasMore]).toEqual([10, false]);
  });
});
