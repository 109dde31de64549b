import type { Message } from '@confab/contracts';
import { afterAll, expect, it } from 'vitest';
import { sqliteDatabase } from '../__tests__/databases.js';
import { signUp } from '../__tests__/server.js';
import { createStoreFromUrl } from '../adapters/kysely/store.js';
import { createMemoryBus } from '../adapters/memory-bus.js';
import { createChatServer } from '../http/server.js';
import type { Notifier } from '../ports/notifier.js';
import { API_KEY, connectWithApiKey } from './__tests__/fixtures.js';

const db = sqliteDatabase();
afterAll(() => db.drop());

it('services tell the notifier port of each new message, from message.send and push.message, once', async () => {
  const heard: Message[] = [];
  const notifier: Notifier = { messageCreated: (message) => heard.push(message) };
  const chat = createChatServer({
    store: await createStoreFromUrl(db.url),
    bus: createMemoryBus(),
    notifier,
    config: { apiKeys: [API_KEY] },
  });
  const url = await chat.listen(0);
  const alice = await signUp(url, 'alice');
  try {
    const room = await alice.api.room.create.mutate({ kind: 'public', name: 'port' });
    const sent = await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'p1',
      body: 'from the app',
    });
    // An idempotent retry, an edit and a delete are not new messages.
    await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'p1', body: 'again' });
    await alice.api.message.edit.mutate({ roomId: room.id, messageId: sent.id, body: 'edited' });
    const posted = await connectWithApiKey(url).push.message.mutate({
      roomId: room.id,
      asUsername: alice.username,
      clientMsgId: 'p2',
      body: 'from another app',
    });
    expect(heard).toEqual([
      {
        id: sent.id,
        roomId: room.id,
        seq: sent.seq,
        authorId: alice.user.id,
        clientMsgId: 'p1',
        body: 'from the app',
        createdAt: sent.createdAt,
        editedAt: null,
        deletedAt: null,
      },
      {
        id: posted.id,
        roomId: room.id,
        seq: posted.seq,
        authorId: alice.user.id,
        clientMsgId: 'p2',
        body: 'from another app',
        createdAt: posted.createdAt,
        editedAt: null,
        deletedAt: null,
      },
    ]);
    // The swapped-in notifier replaced the default one: nothing was scheduled there.
    await chat.services.notify.settled();
    expect(chat.services.notify.metrics().push.scheduled).toBe(0);
  } finally {
    alice.close();
    await chat.close();
  }
});
