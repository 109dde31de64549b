import type { FileInfo } from '@confab/contracts';
import { useMemo } from 'react';
import { useChatContext } from './provider.js';

export interface MessageActions {
  /**
   * Queues a message through the SDK's outbox: shown at once as pending, sent exactly once
   * (retried with the same clientMsgId while offline), then sent or failed in useMessages.
   * `files` are uploads to this room (FILE_ROUTES.upload) sent with it, in order; `body` may
   * then be empty.
   */
  send(body: string, files?: readonly FileInfo[]): void;
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
  /** Sends like `send`, quoting `replyToId` (a message of this room) above the text. */
  reply(replyToId: string, body: string, files?: readonly FileInfo[]): void;
  /** Adds (`on`) or takes back the user's `emoji` reaction; rejects with the server's refusal. */
  react(messageId: string, emoji: string, on: boolean): Promise<void>;
  /** Pins or unpins the message in the room; rejects with the server's refusal. */
  pin(messageId: string, pinned: boolean): Promise<void>;
}

// The outcome of a send shows in the message's status; the promise itself is not needed.
const ignore = () => {};

/** What the user can do in one room's conversation. */
export function useMessageActions(roomId: string): MessageActions {
  const { client, store } = useChatContext();
  return useMemo(
    () => ({
      send: (body, files) => {
        store.outgoing.send(roomId, body, {}, files).catch(ignore);
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
      reply: (replyToId, body, files) => {
        store.outgoing.send(roomId, body, { replyToId }, files).catch(ignore);
      },
      react: async (messageId, emoji, on) => {
        await client.api.message.react.mutate({ roomId, messageId, emoji, on });
      },
      pin: async (messageId, pinned) => {
        await client.api.message.pin.mutate({ roomId, messageId, pinned });
      },
    }),
    [client, store, roomId],
  );
}
