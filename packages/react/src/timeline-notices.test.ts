import type { Message, RoomEvent, RoomNotice } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { emptyTimeline, type Timeline, type TimelineAction, timelineReducer } from './timeline.js';

const room = 'room1';

function message(seq: number): Message {
  return {
    id: `m${seq}`,
    roomId: room,
    seq,
    authorId: 'u1',
    clientMsgId: `c${seq}`,
    body: `message ${seq}`,
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

const joined = (seq: number, userId = `u${seq}`): RoomNotice => ({
  type: 'member.joined',
  roomId: room,
  seq,
  actorId: userId,
  at: 1000 + seq,
  userId,
  role: 'member',
  via: 'join',
});

const run = (...actions: TimelineAction[]): Timeline =>
  actions.reduce(
    timelineReducer,
    timelineReducer(emptyTimeline(null), { type: 'reset', roomId: room }),
  );

const seqs = (t: Timeline) => t.notices.map((n) => n.seq);

describe('timeline notices', () => {
  it('takes them from pages and the stream, in seq order, each seq once', () => {
    const t = run(
      // Live while the first page is in flight: the page has it too.
      { type: 'event', event: joined(6) },
      {
        type: 'history',
        roomId: room,
        page: {
          messages: [message(3), message(5)],
          hasMore: true,
          startSeq: 1,
          notices: [joined(4), joined(6)],
        },
      },
      { type: 'event', event: created(7) },
      { type: 'event', event: joined(8) },
      { type: 'event', event: joined(8) },
      {
        type: 'older',
        roomId: room,
        page: { messages: [message(2)], hasMore: false, startSeq: 1, notices: [joined(1)] },
      },
    );
    expect(seqs(t)).toEqual([1, 4, 6, 8]);
    expect(t.messages.map((m) => m.seq)).toEqual([2, 3, 5, 7]);
    expect(t.lastSeq).toBe(8);
  });

  it("a page's notice after its last message counts in lastSeq (read up to there)", () => {
    const t = run({
      type: 'history',
      roomId: room,
      page: { messages: [message(1)], hasMore: false, startSeq: 1, notices: [joined(2)] },
    });
    expect([t.lastSeq, seqs(t)]).toEqual([2, [2]]);
  });

  it('pages without notices (from servers before them) still load', () => {
    const t = run({
      type: 'history',
      roomId: room,
      page: { messages: [message(1)], hasMore: false, startSeq: 1 },
    });
    expect([t.loaded, t.notices]).toEqual([true, []]);
  });

  it('holds live notices past a window until paging forward reaches the live end', () => {
    const window = run(
      {
        type: 'window',
        roomId: room,
        page: {
          messages: [message(2), message(3)],
          hasMoreBefore: false,
          hasMoreAfter: true,
          startSeq: 1,
          notices: [joined(1)],
        },
      },
      { type: 'event', event: joined(9) },
    );
    // Not shown yet: the messages between the window and it are not loaded.
    expect(seqs(window)).toEqual([1]);
    const joinedLive = timelineReducer(window, {
      type: 'newer',
      roomId: room,
      page: { messages: [message(5)], hasMore: false, notices: [joined(4)], startSeq: 1 },
    });
    expect(seqs(joinedLive)).toEqual([1, 4, 9]);
    expect(joinedLive.lastSeq).toBe(9);
  });

  it('drops notices retention cut', () => {
    const t = run(
      {
        type: 'history',
        roomId: room,
        page: {
          messages: [message(2), message(5)],
          hasMore: false,
          startSeq: 1,
          notices: [joined(1), joined(3), joined(6)],
        },
      },
      { type: 'event', event: { type: 'history.truncated', roomId: room, beforeSeq: 4 } },
    );
    expect(seqs(t)).toEqual([6]);
  });
});
