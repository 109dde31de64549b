import type { ChatEvent } from '@confab/client';
import type { Message, RoomSummary } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvent, mergeFetched } from './rooms-state.js';

function summary(id: string, lastSeq: number, activity: number, unreadCount = 0): RoomSummary {
  return {
    room: {
      id,
      kind: 'public',
      name: id,
      topic: '',
      createdAt: 0,
      lastSeq,
      lastActivityAt: activity,
    },
    role: 'member',
    lastReadSeq: lastSeq - unreadCount,
    unreadCount,
    lastMessage: null,
    peer: null,
  };
}

function created(roomId: string, seq: number, authorId: string, at: number): ChatEvent {
  const message: Message = {
    id: `${roomId}-${seq}`,
    roomId,
    seq,
    authorId,
    clientMsgId: `c${seq}`,
    body: `message ${seq}`,
    createdAt: at,
    editedAt: null,
    deletedAt: null,
  };
  return { type: 'message.created', roomId, seq, actorId: authorId, at, message };
}

const view = (rooms: readonly RoomSummary[]) =>
  rooms.map((s) => [s.room.id, s.unreadCount, s.lastMessage?.body ?? null]);

describe('rooms from events', () => {
  const rooms = [summary('a', 5, 500), summary('b', 3, 300)];

  it('a profile event renews the peer of the direct conversations with that person, and nothing else', () => {
    const bob = { id: 'bob', username: 'bob', displayName: 'Bob', createdAt: 1 };
    const direct = { ...summary('d', 2, 400), peer: bob };
    const renamed = { ...bob, displayName: 'Bobby', avatarVersion: 7 };
    const after = applyEvent([direct, ...rooms], { type: 'profile', user: renamed }, 'me');
    expect(after.rooms.map((s) => s.peer)).toEqual([renamed, null, null]);
    expect(after.rooms.map((s) => s.room.id)).toEqual(['d', 'a', 'b']);
    expect(after.refresh).toBe(false);
    const stranger = { ...bob, id: 'cat' };
    const untouched = applyEvent([direct, ...rooms], { type: 'profile', user: stranger }, 'me');
    expect(untouched.rooms.map((s) => s.peer)).toEqual([bob, null, null]);
  });

  it("a message moves its room to the top with its preview; others' count as unread, one's own not", () => {
    const afterOther = applyEvent(rooms, created('b', 4, 'bob', 900), 'me');
    expect(view(afterOther.rooms)).toEqual([
      ['b', 1, 'message 4'],
      ['a', 0, null],
    ]);
    expect(afterOther.refresh).toBe(false);
    const afterOwn = applyEvent(afterOther.rooms, created('b', 5, 'me', 950), 'me');
    expect(view(afterOwn.rooms)).toEqual([
      ['b', 1, 'message 5'],
      ['a', 0, null],
    ]);
  });

  it('a reply only in its thread is neither unread nor the preview; one also sent to the room is both', () => {
    const reply = created('b', 4, 'bob', 900);
    if (reply.type !== 'message.created') throw new Error('unreachable');
    const threadOnly = { ...reply, message: { ...reply.message, threadId: 'b-1' } };
    const afterThreadOnly = applyEvent(rooms, threadOnly, 'me');
    expect(view(afterThreadOnly.rooms)).toEqual([
      ['b', 0, null],
      ['a', 0, null],
    ]);
    expect(afterThreadOnly.rooms[0]?.room.lastSeq).toBe(4);
    const alsoInRoom = {
      ...reply,
      seq: 5,
      message: { ...reply.message, seq: 5, threadId: 'b-1', alsoInRoom: true as const },
    };
    expect(view(applyEvent(afterThreadOnly.rooms, alsoInRoom, 'me').rooms)).toEqual([
      ['b', 1, 'message 4'],
      ['a', 0, null],
    ]);
  });

  it('a role change of mine and a room made private reach the summary', () => {
    const promoted = applyEvent(
      rooms,
      {
        type: 'member.role',
        roomId: 'a',
        seq: 6,
        actorId: 'owner',
        at: 600,
        userId: 'me',
        role: 'admin',
      },
      'me',
    );
    expect(promoted.rooms.find((s) => s.room.id === 'a')?.role).toBe('admin');
    const othersRole = applyEvent(
      rooms,
      {
        type: 'member.role',
        roomId: 'a',
        seq: 6,
        actorId: 'owner',
        at: 600,
        userId: 'bob',
        role: 'admin',
      },
      'me',
    );
    expect(othersRole.rooms.find((s) => s.room.id === 'a')?.role).toBe('member');
    const madePrivate = applyEvent(
      rooms,
      {
        type: 'room.updated',
        roomId: 'a',
        seq: 6,
        actorId: 'owner',
        at: 600,
        name: 'a2',
        topic: 't',
        kind: 'private',
      },
      'me',
    );
    expect(madePrivate.rooms.find((s) => s.room.id === 'a')?.room).toMatchObject({
      name: 'a2',
      topic: 't',
      kind: 'private',
    });
  });

  it('a read marker from another device clears the count when it reaches the last message', () => {
    const unread = applyEvent(rooms, created('b', 4, 'bob', 900), 'me').rooms;
    const read = applyEvent(unread, { type: 'read.updated', roomId: 'b', lastReadSeq: 4 }, 'me');
    expect(view(read.rooms)).toEqual([
      ['b', 0, 'message 4'],
      ['a', 0, null],
    ]);
    expect(read.refresh).toBe(false);
  });

  it('leaving drops the room; an unknown room or a deletion asks the server', () => {
    const left = applyEvent(
      rooms,
      { type: 'member.left', roomId: 'a', seq: 6, actorId: 'me', at: 1000, userId: 'me' },
      'me',
    );
    expect(view(left.rooms)).toEqual([['b', 0, null]]);
    expect(applyEvent(rooms, created('new', 1, 'bob', 1000), 'me').refresh).toBe(true);
    const deleted = applyEvent(
      rooms,
      { type: 'message.deleted', roomId: 'a', seq: 6, actorId: 'me', at: 1000, messageId: 'x' },
      'me',
    );
    expect(deleted.refresh).toBe(true);
  });

  it('a fetched list that predates events keeps what the events taught, and read markers only move forward', () => {
    const local = applyEvent(rooms, created('b', 4, 'bob', 900), 'me').rooms;
    const stale = [summary('a', 5, 500), summary('b', 3, 300)];
    expect(view(mergeFetched(local, stale))).toEqual([
      ['b', 1, 'message 4'],
      ['a', 0, null],
    ]);
    const read = applyEvent(
      local,
      { type: 'read.updated', roomId: 'b', lastReadSeq: 4 },
      'me',
    ).rooms;
    const fetchedBeforeRead = [summary('b', 4, 900, 1), summary('a', 5, 500)];
    expect(view(mergeFetched(read, fetchedBeforeRead))).toEqual([
      ['b', 0, null],
      ['a', 0, null],
    ]);
  });
});
