import { createChatClient, errorCodeOf } from '@confab/client';
import { describe, expect, it } from 'vitest';
import { createOutgoingStore } from './outgoing.js';

describe('outgoing store', () => {
  it('shows a message the SDK refused before queueing it as failed, with why, until discarded', async () => {
    // Never connects, and the refusal happens before any request: no server is needed.
    const client = createChatClient({ url: 'http://127.0.0.1:9', autoConnect: false });
    const outgoing = createOutgoingStore(client, () => 'me');

    const refusal = await outgoing.send('room1', 'a\u0000b').catch((e: unknown) => e);
    expect(errorCodeOf(refusal)).toBe('VALIDATION');
    expect(outgoing.state.get().map((o) => [o.roomId, o.body, o.status, o.error])).toEqual([
      ['room1', 'a\u0000b', 'failed', 'body: Message must not contain NUL characters'],
    ]);
    expect(client.outbox()).toEqual([]);

    const [failed] = outgoing.state.get();
    outgoing.discard(failed?.clientMsgId ?? '');
    expect(outgoing.state.get()).toEqual([]);
    client.close();
  });

  it("keeps a thread reply's fields from queueing to the SDK's outbox, so it shows in its thread", () => {
    const client = createChatClient({ url: 'http://127.0.0.1:9', autoConnect: false });
    const outgoing = createOutgoingStore(client, () => 'me');
    void outgoing.send('room1', 'in the thread', { threadId: 'root1', alsoInRoom: true });
    expect(outgoing.state.get()).toMatchObject([
      { roomId: 'room1', body: 'in the thread', threadId: 'root1', alsoInRoom: true },
    ]);
    expect(client.outbox()).toMatchObject([
      { roomId: 'room1', body: 'in the thread', threadId: 'root1', alsoInRoom: true },
    ]);
    client.close();
  });
});
