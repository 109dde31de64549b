import { useMemo } from 'react';
import { useChatContext } from './provider.js';

export interface MessageActions {
  /**
   * Queues a message through the SDK's outbox: shown at once as pending, sent exactly once
   * (retried with the same clientMsgId while offline), then sent or failed in useMessages.
   */
  send(body: string): void;
  /** Sends a failed message again, with the same clientMsgId. */
  retry(clientMsgId: string): void;
  /** Drops a failed message. */
  discard(clientMsgId: string): void;
  /** Rejects with the server's refusal. */
  edit(messageId: string, body: string): Promise<void>;
  /** Rejects with the server's refusal. */
  remove(messageId: string): Promise<void>;
  /** Call on each keystroke: others see "typing" (the SDK throttles it). */
  typing(): void;
}

// The outcome of a send shows in the message's status; the promise itself is not needed.
const ignore = () => {};

/** What the user can do in one room's conversation. */
export function useMessageActions(roomId: string): MessageActions {
  const { client, store } = useChatContext();
  return useMemo(
    () => ({
      send: (body) => {
        store.outgoing.send(roomId, body).catch(ignore);
      },
      retry: (clientMsgId) => {
        store.outgoing.retry(clientMsgId)?.catch(ignore);
      },
      discard: (clientMsgId) => store.outgoing.discard(clientMsgId),
      edit: async (messageId, body) => {
        await client.api.message.edit.mutate({ roomId, messageId, body });
      },
      remove: async (messageId) => {
        await client.api.message.delete.mutate({ roomId, messageId });
      },
      typing: () => client.typing(roomId),
    }),
    [client, store, roomId],
  );
}
