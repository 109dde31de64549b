import type { Message } from '@confab/contracts';
import { useEffect } from 'react';
import { useChatClient } from './provider.js';
import { useChatEvent } from './use-chat-event.js';
import { useQuery } from './use-query.js';

export interface UsePins {
  /** The room's pinned messages as message.pins lists them; null until loaded. */
  pins: readonly Message[] | null;
  error: string | null;
  refresh(): Promise<void>;
}

/**
 * A room's pinned messages, live: read again when a message is pinned or unpinned (the event
 * names the message, the list needs all of it), when one is edited or deleted, and after a
 * reconnect (pins made while offline).
 */
export function usePins(roomId: string): UsePins {
  const client = useChatClient();
  const { data, error, refresh } = useQuery(`pins:${roomId}`, () =>
    client.api.message.pins.query({ roomId }),
  );
  useChatEvent((event) => {
    if (!('seq' in event) || event.roomId !== roomId) return;
    const pinned = data?.some((m) => 'messageId' in event && m.id === event.messageId) ?? false;
    if (
      event.type === 'message.pinned' ||
      event.type === 'message.unpinned' ||
      (pinned && (event.type === 'message.edited' || event.type === 'message.deleted'))
    )
      void refresh();
  });
  useEffect(() => client.on('synced', () => void refresh()), [client, refresh]);
  return { pins: data, error, refresh };
}
