import type { ChatClient } from '@confab/client';
import type { Message } from '@confab/contracts';
import { useChatClient } from '@confab/react';
import { useEffect, useState } from 'react';
import { useConversationTools } from './conversation-tools';

/** Originals fetched for quotes, per client (a client is one signed-in session): asked once. */
const fetched = new WeakMap<ChatClient, Map<string, Promise<Message | null>>>();

function fetchOriginal(client: ChatClient, roomId: string, id: string): Promise<Message | null> {
  let cache = fetched.get(client);
  if (!cache) {
    cache = new Map();
    fetched.set(client, cache);
  }
  let original = cache.get(id);
  if (!original) {
    original = client.api.message.byIds
      .query({ roomId, messageIds: [id] })
      .then((messages) => messages.find((m) => m.id === id) ?? null);
    // A failed read (offline) is asked again by the next quote that needs it.
    original.catch(() => cache.delete(id));
    cache.set(id, original);
  }
  return original;
}

export type Quoted =
  | { state: 'loading' }
  | { state: 'missing' }
  | { state: 'found'; message: Pick<Message, 'authorId' | 'body' | 'deletedAt'> };

/**
 * The message a reply quotes: from the loaded timeline when it is there (so edits show), else
 * read once with message.byIds (an original far back in history).
 */
export function useQuotedMessage(roomId: string, id: string): Quoted {
  const client = useChatClient();
  const tools = useConversationTools();
  const local = tools?.loaded.get(id);
  const [remote, setRemote] = useState<Quoted>({ state: 'loading' });
  useEffect(() => {
    if (local) return;
    let current = true;
    fetchOriginal(client, roomId, id).then(
      (message) => {
        if (current) setRemote(message ? { state: 'found', message } : { state: 'missing' });
      },
      () => {
        if (current) setRemote({ state: 'missing' });
      },
    );
    return () => {
      current = false;
    };
  }, [client, roomId, id, local]);
  return local ? { state: 'found', message: local } : remote;
}
