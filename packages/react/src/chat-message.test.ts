import type { Message } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { mergeOutgoing } from './chat-message.js';
import type { Outgoing } from './store/outgoing.js';

const sent: Message = {
  id: 'm1',
  roomId: 'r',
  seq: 3,
  authorId: 'me',
  clientMsgId: 'c1',
  body: 'first',
  createdAt: 10,
  editedAt: null,
  deletedAt: null,
};
const outgoing = (clientMsgId: string, status: Outgoing['status'], roomId = 'r'): Outgoing => ({
  clientMsgId,
  roomId,
  body: clientMsgId,
  createdAt: 20,
  status,
  error: status === 'failed' ? 'Join the room first' : null,
});

describe('mergeOutgoing', () => {
  it("shows the room's messages, then its outgoing ones in order; a confirmed one once, with the same key", () => {
    const merged = mergeOutgoing(
      'r',
      [sent],
      [
        outgoing('c1', 'pending'),
        outgoing('c2', 'pending'),
        outgoing('c3', 'failed'),
        outgoing('c4', 'pending', 'elsewhere'),
      ],
      'me',
    );
    expect(merged.map((m) => [m.key, m.status, m.error])).toEqual([
      ['me:c1', 'sent', null],
      ['me:c2', 'pending', null],
      ['me:c3', 'failed', 'Join the room first'],
    ]);
  });

  it("keys someone else's message by its id, whether or not it came with their clientMsgId", () => {
    const theirs: Message = { ...sent, id: 'm2', seq: 4, authorId: 'bob', clientMsgId: 'b1' };
    // A format 3 live stream leaves out the key of someone else's message; history has it.
    const { clientMsgId: _key, ...live } = theirs;
    const fromHistory = mergeOutgoing('r', [sent, theirs], [], 'me');
    const fromStream = mergeOutgoing('r', [sent, live], [], 'me');
    expect(fromHistory.map((m) => m.key)).toEqual(['me:c1', 'm2']);
    expect(fromStream.map((m) => m.key)).toEqual(['me:c1', 'm2']);
  });
});
