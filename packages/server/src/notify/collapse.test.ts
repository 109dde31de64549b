import type { Message, Room } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { collectPushWindows, type PendingPush } from './collapse.js';

const room: Room = {
  id: 'r1',
  kind: 'private',
  name: 'Ops',
  topic: '',
  createdAt: 1,
  lastSeq: 0,
  lastActivityAt: 1,
};
const message = (seq: number, body: string, files: string[] = []): Message => ({
  id: `m${seq}`,
  roomId: room.id,
  seq,
  authorId: 'u1',
  clientMsgId: `c${seq}`,
  body,
  createdAt: seq,
  editedAt: null,
  deletedAt: null,
  ...(files.length > 0
    ? { attachments: files.map((name) => ({ id: name, name, size: 1, type: 'application/pdf' })) }
    : {}),
});
const lastOf = (windows: ReturnType<typeof collectPushWindows>) =>
  (JSON.parse(windows.updates(0, 1_000, () => 'w')[0]?.payload ?? '{}') as PendingPush).last;

describe('the text a push window keeps for its newest message', () => {
  it('is the body, or for a message of files only what the app shows: "📎 name" or "📎 N files"', () => {
    const windows = collectPushWindows();
    windows.add('u2', room, message(1, 'hello'), 'Ann');
    expect(lastOf(windows).body).toBe('hello');
    windows.add('u2', room, message(2, '', ['q3.pdf']), 'Ann');
    expect(lastOf(windows).body).toBe('📎 q3.pdf');
    windows.add('u2', room, message(3, '', ['a.pdf', 'b.pdf']), 'Ann');
    expect(lastOf(windows).body).toBe('📎 2 files');
  });
});
