import type { RoomEvent } from '@confab/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FaultyProxy } from './__tests__/proxy.js';
import { record } from './__tests__/recorder.js';
import {
  device,
  register,
  setUpWithProxy,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient, Transport } from './client.js';

const TRANSPORTS: Transport[] = ['ws', 'sse', 'poll'];

/** What a test compares of a room event: its kind, seq and what it is about. */
function gist(event: RoomEvent) {
  switch (event.type) {
    case 'message.created':
      return [event.type, event.seq, event.message.body, event.message.threadId];
    case 'reaction.added':
    case 'reaction.removed':
      return [event.type, event.seq, event.messageId, event.emoji];
    case 'message.pinned':
    case 'message.unpinned':
      return [event.type, event.seq, event.messageId];
    default:
      return [event.type, event.seq];
  }
}

// Issue 16: reactions, thread replies and pins travel through the room's log like messages, so a
// device that was away gets each of them once when it comes back, whichever transport it uses.
describe.each(TRANSPORTS)('a conversation resumed over %s', (transport) => {
  let db: TestDatabaseFile;
  let server: TestServer;
  let proxy: FaultyProxy;
  const clients: ChatClient[] = [];

  beforeEach(async () => {
    ({ db, server, proxy } = await setUpWithProxy());
  });
  afterEach(() => tearDown({ clients, proxy, server, db }));

  it('a device away during a reaction, a thread reply and a pin gets each once, in seq order', async () => {
    const alice = await register(server.url, 'alice');
    const bob = await register(server.url, 'bob');
    // Alice acts from a device straight to the server; Bob's phone goes through the proxy.
    const laptop = device(server.url, alice.token, { autoConnect: false });
    clients.push(laptop);
    const room = await laptop.api.room.create.mutate({ kind: 'private', name: 'team' });
    const roomId = room.id;
    await laptop.api.room.invite.mutate({ roomId, username: bob.username });
    const phone = device(proxy.url, bob.token, { transport });
    clients.push(phone);
    const seen = record(phone);
    await seen.connected();
    expect(phone.transport).toBe(transport);
    const root = await laptop.send({ roomId, body: 'the plan' });
    await seen.until(() => seen.bodies(roomId).length === 1, 'the first message');

    // The phone loses its network: its connections are cut and its reconnects refused.
    proxy.refuseAll = true;
    proxy.cutAll();
    await seen.until(() => phone.state !== 'connected', 'the phone to lose its stream');
    const missed = seen.roomEvents(roomId).length;
    const reaction = await laptop.api.message.react.mutate({
      roomId,
      messageId: root.id,
      emoji: '👍',
      on: true,
    });
    const reply = await laptop.send({ roomId, body: 'step one', threadId: root.id });
    const pin = await laptop.api.message.pin.mutate({ roomId, messageId: root.id, pinned: true });
    expect([reaction.seq, reply.seq, pin.seq]).toEqual([root.seq + 1, root.seq + 2, root.seq + 3]);

    expect(seen.roomEvents(roomId)).toHaveLength(missed); // nothing reached it while away
    proxy.refuseAll = false;
    await seen.until(
      () => seen.roomEvents(roomId).some((e) => e.seq === pin.seq),
      'the pin, after the phone is back',
    );
    // One more message once it is live again: anything delivered twice would come before it.
    const after = await laptop.send({ roomId, body: 'back?' });
    await seen.until(() => seen.roomEvents(roomId).some((e) => e.seq === after.seq), 'the last');

    expect(seen.roomEvents(roomId).slice(missed).map(gist)).toEqual([
      ['reaction.added', reaction.seq, root.id, '👍'],
      ['message.created', reply.seq, 'step one', root.id],
      ['message.pinned', pin.seq, root.id],
      ['message.created', after.seq, 'back?', undefined],
    ]);
    // Everything the phone got of the room: every seq once, none twice, none missing.
    const seqs = seen.roomEvents(roomId).map((e) => e.seq);
    const first = seqs[0] ?? 0;
    expect(seqs).toEqual(Array.from({ length: after.seq - first + 1 }, (_, i) => first + i));
  });
});
