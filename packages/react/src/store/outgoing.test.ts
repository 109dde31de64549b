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

  it('shows the files of a message while it is on its way and gives the SDK their ids, in order', () => {
    const client = createChatClient({ url: 'http://127.0.0.1:9', autoConnect: false });
    const outgoing = createOutgoingStore(client, () => 'me');
    const photo = { id: 'f2', name: 'photo.png', size: 10, type: 'image/png' };
    const notes = { id: 'f1', name: 'notes.pdf', size: 20, type: 'application/pdf' };
    void outgoing.send('room1', '', {}, [photo, notes]);
    expect(outgoing.state.get()).toMatchObject([
      { roomId: 'room1', body: '', attachments: [photo, notes] },
    ]);
    expect(client.outbox()).toMatchObject([
      { roomId: 'room1', body: '', attachments: ['f2', 'f1'] },
    ]);
    client.close();
  });
});
