import type { Message, RoomEvent } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { mergeOutgoing } from './chat-message.js';
import type { Outgoing } from './store/outgoing.js';
import { emptyThread, type ThreadAction, type ThreadView, threadReducer } from './thread.js';
import { emptyTimeline, type Timeline, type TimelineAction, timelineReducer } from './timeline.js';

const room = 'room1';

function message(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    roomId: room,
    seq,
    authorId: 'u1',
    clientMsgId: `c${seq}`,
    body: `body ${seq}`,
    createdAt: 1000 + seq,
    editedAt: null,
    deletedAt: null,
    ...extra,
  };
}

const base = (seq: number, actorId: string) => ({ roomId: room, seq, actorId, at: 5000 + seq });
const created = (m: Message): RoomEvent => ({
  type: 'message.created',
  ...base(m.seq, m.authorId),
  message: m,
});
const reaction = (
  seq: number,
  actorId: string,
  emoji: string,
  on: boolean,
  messageId = 'm1',
): RoomEvent => ({
  type: on ? 'reaction.added' : 'reaction.removed',
  ...base(seq, actorId),
  messageId,
  emoji,
});
const pin = (seq: number, actorId: string, pinned: boolean): RoomEvent => ({
  type: pinned ? 'message.pinned' : 'message.unpinned',
  ...base(seq, actorId),
  messageId: 'm1',
});

const timeline = (...actions: TimelineAction[]): Timeline =>
  actions.reduce(
    timelineReducer,
    timelineReducer(emptyTimeline(null), { type: 'reset', roomId: room }),
  );
const page = (...messages: Message[]): TimelineAction => ({
  type: 'history',
  roomId: room,
  page: { messages, hasMore: false, startSeq: 1 },
});
const event = (e: RoomEvent): TimelineAction => ({ type: 'event', event: e });
const first = (t: Timeline) => t.messages[0];

describe('timeline: reactions', () => {
  it('counts who reacted with each emoji, in first-use order; the same user twice is one', () => {
    const t = timeline(
      page(message(1)),
      event(reaction(2, 'alice', '👍', true)),
      event(reaction(3, 'bob', '🎉', true)),
      event(reaction(4, 'bob', '👍', true)),
      event(reaction(5, 'alice', '👍', true)),
    );
    expect(first(t)?.reactions).toEqual([
      { emoji: '👍', userIds: ['alice', 'bob'] },
      { emoji: '🎉', userIds: ['bob'] },
    ]);
    expect(t.lastSeq).toBe(5);
  });

  it('a removal takes back one user; the last one removes the emoji, then the field', () => {
    const t = timeline(
      page(message(1, { reactions: [{ emoji: '👍', userIds: ['alice', 'bob'] }] })),
      event(reaction(2, 'alice', '👍', false)),
    );
    expect(first(t)?.reactions).toEqual([{ emoji: '👍', userIds: ['bob'] }]);
    const gone = timelineReducer(t, event(reaction(3, 'bob', '👍', false)));
    expect(first(gone)).not.toHaveProperty('reactions');
    // Taking back a reaction that is not there changes nothing.
    expect(first(timelineReducer(gone, event(reaction(4, 'bob', '👍', false))))).toEqual(
      first(gone),
    );
  });

  it('events queued while the first page was in flight, which it already reflects, apply once', () => {
    const t = timeline(
      event(reaction(2, 'alice', '👍', true)),
      event(reaction(3, 'bob', '👍', true)),
      event(reaction(4, 'alice', '👍', false)),
      // The page was read after seq 3: it has both reactions, not the removal.
      page(message(1, { reactions: [{ emoji: '👍', userIds: ['alice', 'bob'] }] })),
    );
    expect(first(t)?.reactions).toEqual([{ emoji: '👍', userIds: ['bob'] }]);
  });
});

describe('timeline: pins', () => {
  it('a pin sets who pinned and when; an unpin clears it', () => {
    const pinned = timeline(page(message(1)), event(pin(2, 'bob', true)));
    expect(first(pinned)?.pinned).toEqual({ by: 'bob', at: 5002 });
    const unpinned = timelineReducer(pinned, event(pin(3, 'bob', false)));
    expect(first(unpinned)).not.toHaveProperty('pinned');
    expect(unpinned.lastSeq).toBe(3);
  });
});

describe('timeline: threads', () => {
  const reply = (seq: number, extra: Partial<Message> = {}) =>
    message(seq, { threadId: 'm1', authorId: 'bob', ...extra });

  it("a thread-only reply stays out of the timeline and counts on its root's summary", () => {
    const t = timeline(page(message(1), message(2)), event(created(reply(3))));
    expect(t.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(first(t)?.thread).toEqual({
      replyCount: 1,
      lastReplyAt: 1003,
      lastReplyAuthorId: 'bob',
    });
    expect(t.lastSeq).toBe(3);
  });

  it('an "also send to room" reply is in the timeline too, and counts once', () => {
    const t = timeline(
      page(message(1)),
      event(created(reply(2))),
      event(created(reply(3, { alsoInRoom: true, authorId: 'carol' }))),
    );
    expect(t.messages.map((m) => m.id)).toEqual(['m1', 'm3']);
    expect(first(t)?.thread).toEqual({
      replyCount: 2,
      lastReplyAt: 1003,
      lastReplyAuthorId: 'carol',
    });
  });

  it('a reply queued before a page that already counted it is not counted twice', () => {
    const t = timeline(
      event(created(reply(2))),
      event(created(reply(3))),
      page(
        message(1, {
          thread: { replyCount: 1, lastReplyAt: 1002, lastReplyAuthorId: 'bob' },
        }),
      ),
    );
    expect(first(t)?.thread?.replyCount).toBe(2);
  });
});

describe('thread view', () => {
  const thread = (...actions: ThreadAction[]): ThreadView =>
    actions.reduce(threadReducer, emptyThread(room, 'm1'));
  const threadPage = (root: Message, ...replies: Message[]): ThreadAction => ({
    type: 'page',
    threadId: 'm1',
    page: { root, replies, hasMore: false },
  });
  const reply = (seq: number) => message(seq, { threadId: 'm1', authorId: 'bob' });

  it("applies its own replies (each seq once), the root's count, and reactions on replies", () => {
    const root = message(1, {
      thread: { replyCount: 1, lastReplyAt: 1002, lastReplyAuthorId: 'bob' },
    });
    const v = thread(
      { type: 'event', event: created(reply(2)) },
      threadPage(root, reply(2)),
      { type: 'event', event: created(message(3)) },
      { type: 'event', event: created(message(4, { threadId: 'other' })) },
      { type: 'event', event: created(reply(5)) },
      { type: 'event', event: reaction(6, 'alice', '🎉', true, 'm5') },
      { type: 'event', event: pin(7, 'alice', true) },
    );
    expect(v.replies.map((m) => m.id)).toEqual(['m2', 'm5']);
    expect(v.replies[1]?.reactions).toEqual([{ emoji: '🎉', userIds: ['alice'] }]);
    expect(v.root?.thread).toEqual({ replyCount: 2, lastReplyAt: 1005, lastReplyAuthorId: 'bob' });
    expect(v.root?.pinned).toEqual({ by: 'alice', at: 5007 });
  });

  it('applies an edit and a delete to a reply', () => {
    const v = thread(
      threadPage(message(1), reply(2), reply(3)),
      {
        type: 'event',
        event: { type: 'message.edited', ...base(4, 'bob'), messageId: 'm2', body: 'fixed' },
      },
      { type: 'event', event: { type: 'message.deleted', ...base(5, 'bob'), messageId: 'm3' } },
    );
    expect(v.replies.map((m) => [m.body, m.editedAt, m.deletedAt])).toEqual([
      ['fixed', 5004, null],
      ['', null, 5005],
    ]);
  });
});

describe('mergeOutgoing with threads', () => {
  const outgoing = (clientMsgId: string, extra: Partial<Outgoing> = {}): Outgoing => ({
    clientMsgId,
    roomId: room,
    body: clientMsgId,
    createdAt: 20,
    status: 'pending',
    error: null,
    ...extra,
  });
  const entries = [
    outgoing('plain', { replyToId: 'm1' }),
    outgoing('thread-only', { threadId: 'm1' }),
    outgoing('both', { threadId: 'm1', alsoInRoom: true }),
    outgoing('other-thread', { threadId: 'm9' }),
  ];

  it('the timeline shows pending messages and "also in room" replies; a thread its own', () => {
    const inRoom = mergeOutgoing(room, [], entries, 'me');
    expect(inRoom.map((m) => m.clientMsgId)).toEqual(['plain', 'both']);
    expect(inRoom[0]?.replyToId).toBe('m1');
    expect(inRoom[1]).toMatchObject({ threadId: 'm1', alsoInRoom: true });
    const inThread = mergeOutgoing(room, [], entries, 'me', 'm1');
    expect(inThread.map((m) => m.clientMsgId)).toEqual(['thread-only', 'both']);
  });
});
