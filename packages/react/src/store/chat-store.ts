import type { ChatClient } from '@confab/client';
import { createConnectionStore } from './connection.js';
import { createLevelsStore } from './levels.js';
import { createOutgoingStore } from './outgoing.js';
import { createPresenceStore } from './presence.js';
import { createReceiptsStore } from './receipts.js';
import { createRoomsStore } from './rooms.js';
import { createTypingStore } from './typing.js';

/**
 * Everything the hooks share about one client. It listens from the client's first render on:
 * some signals come once (the presence snapshot after the first sync point, `retryAt` only in
 * state events), so a component mounted later still finds them here.
 */
function createChatStore(client: ChatClient) {
  let meId: string | null = null;
  const me = () => meId;
  const store = {
    connection: createConnectionStore(client),
    outgoing: createOutgoingStore(client, me),
    presence: createPresenceStore(client),
    typing: createTypingStore(),
    receipts: createReceiptsStore(client),
    rooms: createRoomsStore(client, me),
    levels: createLevelsStore({
      roomLevels: () => client.api.notifications.roomLevels.query(),
      setRoomLevel: async (roomId, level) => {
        await client.api.notifications.setRoomLevel.mutate({ roomId, level });
      },
    }),
    /** Who is signed in on this client (set by ChatProvider). */
    setMe(id: string | null): void {
      meId = id;
    },
  };
  client.on('event', (event) => {
    if (event.type === 'message.created') store.outgoing.confirm(event.message);
    store.presence.apply(event);
    store.typing.apply(event);
    store.receipts.apply(event);
    store.rooms.apply(event);
  });
  client.on('synced', () => {
    // Caught up after a (re)connect: counts and signals missed while down are read again.
    store.rooms.scheduleRefresh();
    store.receipts.reload();
    store.levels.reload();
  });
  return store;
}
export type ChatStore = ReturnType<typeof createChatStore>;

const stores = new WeakMap<ChatClient, ChatStore>();

/** The one store of a client (a client lives for one signed-in session). */
export function storeFor(client: ChatClient): ChatStore {
  let store = stores.get(client);
  if (!store) {
    store = createChatStore(client);
    stores.set(client, store);
  }
  return store;
}
