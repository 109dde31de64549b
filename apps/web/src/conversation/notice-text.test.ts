import type { RoomNotice } from '@confab/contracts';
import type { ChatMessage } from '@confab/react';
import { describe, expect, it } from 'vitest';
import { noticeText } from './notice-text';
import { buildRows } from './rows';

const names: Record<string, string> = { ann: 'Ann', bob: 'Bob', cat: 'Cat' };
const nameOf = (id: string) => names[id] ?? 'Former member';
const base = { roomId: 'r', at: Date.UTC(2026, 0, 5, 12) };

/** A notice without the fields every test shares (Omit over each member of the union). */
type Bare<T> = T extends unknown ? Omit<T, 'roomId' | 'at'> : never;
const say = (notice: Bare<RoomNotice>) => noticeText({ ...base, ...notice } as RoomNotice, nameOf);

describe('noticeText', () => {
  it('says who came and went', () => {
    expect(
      say({
        type: 'member.joined',
        seq: 1,
        actorId: 'ann',
        userId: 'ann',
        role: 'owner',
        via: 'create',
      }),
    ).toBe('Ann created the room');
    expect(
      say({
        type: 'member.joined',
        seq: 2,
        actorId: 'ann',
        userId: 'ann',
        role: 'member',
        via: 'join',
      }),
    ).toBe('Ann joined');
    expect(
      say({
        type: 'member.joined',
        seq: 3,
        actorId: 'ann',
        userId: 'bob',
        role: 'member',
        via: 'invite',
      }),
    ).toBe('Ann added Bob');
    expect(say({ type: 'member.left', seq: 4, actorId: 'ann', userId: 'ann' })).toBe('Ann left');
    expect(say({ type: 'member.removed', seq: 5, actorId: 'bob', userId: 'cat' })).toBe(
      'Bob removed Cat',
    );
    // Someone the room no longer knows still makes a line.
    expect(say({ type: 'member.left', seq: 6, actorId: 'zed', userId: 'zed' })).toBe(
      'Former member left',
    );
  });

  it('says what a room update changed', () => {
    const update = {
      type: 'room.updated' as const,
      seq: 7,
      actorId: 'ann',
      name: 'Ops',
      topic: '',
    };
    expect(say({ ...update, kind: 'private', changed: ['name'] })).toBe(
      'Ann renamed the room to “Ops”',
    );
    expect(say({ ...update, topic: 'Pager duty', changed: ['topic'] })).toBe(
      'Ann changed the topic to “Pager duty”',
    );
    expect(say({ ...update, changed: ['topic'] })).toBe('Ann cleared the topic');
    expect(say({ ...update, kind: 'public', changed: ['kind'] })).toBe('Ann made the room public');
    expect(say({ ...update, kind: 'private', changed: ['name', 'topic', 'kind'] })).toBe(
      'Ann renamed the room to “Ops”, cleared the topic and made the room private',
    );
    // Nothing changed: nothing to say.
    expect(say({ ...update, changed: [] })).toBeNull();
    // Logged before `changed`: the name and topic as they are now.
    expect(say({ ...update, topic: 'x' })).toBe(
      'Ann renamed the room to “Ops” and changed the topic to “x”',
    );
  });

  it('says who was made what; a hand-over is one line', () => {
    const role = { type: 'member.role' as const, actorId: 'ann' };
    expect(say({ ...role, seq: 8, userId: 'bob', role: 'admin' })).toBe('Ann made Bob an admin');
    expect(say({ ...role, seq: 9, userId: 'bob', role: 'member' })).toBe('Ann made Bob a member');
    expect(say({ ...role, seq: 10, userId: 'bob', role: 'owner' })).toBe(
      'Ann handed the room to Bob',
    );
    // The previous owner's own step down, logged with the hand-over: said by the line above.
    expect(say({ ...role, seq: 11, userId: 'ann', role: 'admin' })).toBeNull();
  });
});

describe('buildRows with notices', () => {
  const at = base.at;
  const message = (seq: number | null, authorId: string, key = `k${seq}`): ChatMessage => {
    const fields = {
      key,
      roomId: 'r',
      authorId,
      clientMsgId: key,
      body: 'hi',
      createdAt: at + (seq ?? 99) * 1000,
      editedAt: null,
      deletedAt: null,
      error: null,
    };
    return seq === null
      ? { ...fields, id: null, seq: null, status: 'pending' }
      : { ...fields, id: `m${seq}`, seq, status: 'sent' };
  };
  const left = (seq: number, userId: string): RoomNotice => ({
    ...base,
    at: at + seq * 1000,
    type: 'member.left',
    seq,
    actorId: userId,
    userId,
  });

  it('places notices between messages by seq, pending messages last; a notice breaks a run', () => {
    const rows = buildRows(
      [message(2, 'ann'), message(4, 'ann'), message(null, 'me', 'pending')],
      null,
      'me',
      [left(1, 'cat'), left(3, 'bob'), left(5, 'dan')],
      at,
    );
    expect(rows.map((r) => (r.kind === 'message' ? `${r.key}:${r.groupStart}` : r.key))).toEqual([
      `day-${at + 1000}`,
      'notice-1',
      'k2:true',
      'notice-3',
      // Ann again, a second later: a new run after the notice (her name shows again).
      'k4:true',
      'notice-5',
      'pending:true',
    ]);
  });

  it('the unread divider goes before the first unread message, never before a notice', () => {
    const rows = buildRows([message(2, 'ann'), message(5, 'bob')], 2, 'me', [left(3, 'cat')], at);
    expect(rows.map((r) => r.key)).toEqual([`day-${at + 2000}`, 'k2', 'notice-3', 'unread', 'k5']);
  });

  it('a hand-over shows one line, not the owner stepping down too', () => {
    const role = (seq: number, userId: string, r: 'owner' | 'admin'): RoomNotice => ({
      ...base,
      type: 'member.role',
      seq,
      actorId: 'ann',
      userId,
      role: r,
    });
    const rows = buildRows([], null, 'me', [role(1, 'bob', 'owner'), role(2, 'ann', 'admin')], at);
    expect(rows.map((r) => r.key)).toEqual([`day-${at}`, 'notice-1']);
  });
});
