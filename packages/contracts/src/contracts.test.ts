import { describe, expect, it } from 'vitest';
// safeParse(schema, v) takes any zod schema: classic or zod/mini (the SDK-side fields).
import { type core, safeParse } from 'zod';
import { RoomEvent } from './events.js';
import { RoomId } from './ids.js';
import {
  CreateRoomInput,
  HistoryInput,
  ListPublicRoomsInput,
  RegisterInput,
  SendInput,
  UpdateRoomInput,
  Username,
} from './inputs.js';
import { LIMITS } from './limits.js';
import { ClientMsgId, MessageBody } from './message-fields.js';

/** The messages of a failed parse, so a test states exactly why an input is refused. */
function refusal(schema: core.$ZodType, value: unknown): string[] {
  const result = safeParse(schema, value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues.map((issue) => issue.message);
}

describe('Username', () => {
  it('is trimmed and lower-cased, so Alice and alice are one account', () => {
    expect(Username.parse('Alice')).toBe('alice');
    expect(Username.parse('  BOB_99 ')).toBe('bob_99');
    expect(
      RegisterInput.parse({ username: 'CaSe', displayName: 'x', password: '12345678' }),
    ).toEqual({ username: 'case', displayName: 'x', password: '12345678' });
  });

  it('has 3 to 32 characters, counted after trimming', () => {
    expect(Username.parse('abc')).toBe('abc');
    expect(Username.parse('a'.repeat(32))).toBe('a'.repeat(32));
    expect(refusal(Username, 'ab')).toEqual(['Username needs at least 3 characters']);
    expect(refusal(Username, '  ab  ')).toEqual(['Username needs at least 3 characters']);
    expect(refusal(Username, 'a'.repeat(33))).toEqual(['Username can have at most 32 characters']);
  });

  it('allows only letters, digits and _', () => {
    for (const bad of ['al ice', 'al-ice', 'alice!', 'al.ice', 'émile']) {
      expect(refusal(Username, bad)).toEqual(['Username may contain only letters, digits and _']);
    }
    // A NUL is refused first, and named (see text.test.ts).
    expect(refusal(Username, 'ali\u0000ce')).toEqual(['Username must not contain NUL characters']);
    expect(refusal(Username, 42)).toHaveLength(1);
  });
});

describe('MessageBody', () => {
  it('drops surrounding white space and keeps inner white space', () => {
    expect(MessageBody.parse('  hello\n  world \n')).toBe('hello\n  world');
  });

  it('refuses an empty or blank body', () => {
    expect(refusal(MessageBody, '')).toEqual(['Message is empty']);
    expect(refusal(MessageBody, ' \n\t ')).toEqual(['Message is empty']);
  });

  it('accepts 4000 characters and refuses 4001', () => {
    expect(LIMITS.bodyMaxChars).toBe(4000);
    expect(MessageBody.parse('x'.repeat(4000))).toHaveLength(4000);
    expect(refusal(MessageBody, 'x'.repeat(4001))).toEqual([
      'Message is longer than 4000 characters',
    ]);
    // The limit applies after trimming: padding around 4000 characters is not counted.
    expect(MessageBody.parse(`  ${'x'.repeat(4000)}  `)).toHaveLength(4000);
  });

  it('counts Unicode code points, so an emoji is one character', () => {
    // zod measures strings in code points: 4000 emoji (8000 UTF-16 units) fill the limit exactly.
    expect(MessageBody.parse('😀'.repeat(4000))).toHaveLength(8000);
    expect(refusal(MessageBody, `${'😀'.repeat(4000)}x`)).toEqual([
      'Message is longer than 4000 characters',
    ]);
  });
});

describe('ClientMsgId', () => {
  it('accepts letters, digits and _ : . - up to 64 characters', () => {
    expect(ClientMsgId.parse('web:1712345678.abc_DEF-9')).toBe('web:1712345678.abc_DEF-9');
    expect(ClientMsgId.parse('k'.repeat(64))).toBe('k'.repeat(64));
  });

  it('is taken as given: not trimmed, not lower-cased', () => {
    expect(ClientMsgId.parse('ABC')).toBe('ABC');
    expect(refusal(ClientMsgId, ' abc')).toEqual([
      'clientMsgId may contain only letters, digits and _ : . -',
    ]);
  });

  it('refuses empty, too long, and other characters', () => {
    expect(refusal(ClientMsgId, '')).toEqual([
      'clientMsgId is required',
      'clientMsgId may contain only letters, digits and _ : . -',
    ]);
    expect(refusal(ClientMsgId, 'k'.repeat(65))).toEqual([
      'clientMsgId can have at most 64 characters',
    ]);
    for (const bad of ['a b', 'a/b', 'a%b', 'ü']) {
      expect(refusal(ClientMsgId, bad)).toEqual([
        'clientMsgId may contain only letters, digits and _ : . -',
      ]);
    }
  });

  it('is required by SendInput, whose body is trimmed', () => {
    expect(SendInput.parse({ roomId: 'r1', clientMsgId: 'c1', body: ' hi ' })).toEqual({
      roomId: 'r1',
      clientMsgId: 'c1',
      body: 'hi',
    });
    expect(SendInput.safeParse({ roomId: 'r1', body: 'hi' }).success).toBe(false);
  });
});

describe('HistoryInput', () => {
  it('defaults the page size to 50', () => {
    expect(HistoryInput.parse({ roomId: 'r1' })).toEqual({ roomId: 'r1', limit: 50 });
  });

  it('accepts 1..100 and refuses 0, 101 and fractions', () => {
    expect(HistoryInput.parse({ roomId: 'r1', limit: 100, beforeSeq: 7 })).toEqual({
      roomId: 'r1',
      limit: 100,
      beforeSeq: 7,
    });
    expect(HistoryInput.parse({ roomId: 'r1', limit: 1 }).limit).toBe(1);
    for (const limit of [0, 101, 1.5, -1]) {
      expect(HistoryInput.safeParse({ roomId: 'r1', limit }).success).toBe(false);
    }
    const issue = HistoryInput.safeParse({ roomId: 'r1', limit: 101 }).error?.issues[0];
    expect(issue?.path).toEqual(['limit']);
    expect(issue?.code).toBe('too_big');
  });

  it('refuses a negative or fractional beforeSeq', () => {
    expect(HistoryInput.safeParse({ roomId: 'r1', beforeSeq: -1 }).success).toBe(false);
    expect(HistoryInput.safeParse({ roomId: 'r1', beforeSeq: 2.5 }).success).toBe(false);
  });
});

describe('room inputs', () => {
  it('names are trimmed, 1..80 characters; topics default to empty, at most 300', () => {
    expect(CreateRoomInput.parse({ kind: 'public', name: '  general ' })).toEqual({
      kind: 'public',
      name: 'general',
      topic: '',
    });
    expect(refusal(CreateRoomInput, { kind: 'public', name: '   ' })).toEqual([
      'Room name is required',
    ]);
    expect(refusal(CreateRoomInput, { kind: 'public', name: 'n'.repeat(81) })).toEqual([
      'Room name can have at most 80 characters',
    ]);
    expect(
      refusal(CreateRoomInput, { kind: 'public', name: 'ok', topic: 't'.repeat(301) }),
    ).toEqual(['Topic can have at most 300 characters']);
    // A direct room is opened with openDirect, never created.
    expect(CreateRoomInput.safeParse({ kind: 'direct', name: 'dm' }).success).toBe(false);
  });

  it('an update needs a name, a topic or a kind', () => {
    expect(refusal(UpdateRoomInput, { roomId: 'r1' })).toEqual([
      'Give a name, a topic or a kind to change',
    ]);
    expect(UpdateRoomInput.parse({ roomId: 'r1', topic: '' })).toEqual({ roomId: 'r1', topic: '' });
  });

  it('public room listing defaults to 50 and refuses more than 100', () => {
    expect(ListPublicRoomsInput.parse(undefined)).toEqual({ limit: 50 });
    expect(ListPublicRoomsInput.parse({ query: ' gen ' })).toEqual({ query: 'gen', limit: 50 });
    expect(ListPublicRoomsInput.safeParse({ limit: 101 }).success).toBe(false);
  });

  it('ids are URL-safe and at most 64 characters', () => {
    expect(RoomId.parse('aZ0_-')).toBe('aZ0_-');
    expect(refusal(RoomId, '')).toContain('Room id is required');
    expect(refusal(RoomId, 'r'.repeat(65))).toEqual(['Room id is too long']);
    expect(refusal(RoomId, '../etc')).toEqual(['Room id has characters an id never has']);
  });
});

describe('RoomEvent', () => {
  const base = { roomId: 'r1', seq: 3, actorId: 'u1', at: 1_700_000_000_000 };
  const message = {
    id: 'm1',
    roomId: 'r1',
    seq: 3,
    authorId: 'u1',
    clientMsgId: 'c1',
    body: 'hi',
    createdAt: 1_700_000_000_000,
    editedAt: null,
    deletedAt: null,
  };

  it('parses every member of the union by its type', () => {
    const events = [
      { ...base, type: 'message.created', message },
      { ...base, type: 'message.edited', messageId: 'm1', body: 'hey' },
      { ...base, type: 'message.deleted', messageId: 'm1' },
      { ...base, type: 'member.joined', userId: 'u2', role: 'member', via: 'join' },
      { ...base, type: 'member.left', userId: 'u2' },
      { ...base, type: 'member.removed', userId: 'u2' },
      { ...base, type: 'room.updated', name: 'general', topic: '' },
    ];
    for (const event of events) expect(RoomEvent.parse(event)).toEqual(event);
  });

  it('narrows on type', () => {
    const event = RoomEvent.parse({ ...base, type: 'message.created', message });
    if (event.type !== 'message.created') throw new Error('expected message.created');
    expect(event.message.body).toBe('hi');
  });

  it('refuses an unknown or missing type', () => {
    const unknown = RoomEvent.safeParse({ ...base, type: 'message.exploded', messageId: 'm1' });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]).toMatchObject({ code: 'invalid_union', path: ['type'] });
    expect(RoomEvent.safeParse({ ...base, messageId: 'm1' }).success).toBe(false);
  });

  it('refuses an event whose fields do not match its type', () => {
    // message.deleted's fields under message.created's type.
    expect(RoomEvent.safeParse({ ...base, type: 'message.created', messageId: 'm1' }).success).toBe(
      false,
    );
    expect(
      RoomEvent.safeParse({
        ...base,
        type: 'member.joined',
        userId: 'u2',
        role: 'king',
        via: 'join',
      }).success,
    ).toBe(false);
    expect(
      RoomEvent.safeParse({ ...base, seq: -1, type: 'member.left', userId: 'u2' }).success,
    ).toBe(false);
  });
});
