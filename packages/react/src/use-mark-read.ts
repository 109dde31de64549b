import { useEffect, useRef } from 'react';
import { useChatClient } from './provider.js';

/**
 * Moves the user's read marker in the room up to `seq` while `enabled` (the room is on screen
 * and scrolled to its newest message). Every device of theirs gets `read.updated` and clears
 * the room's unread count; the server only ever moves the marker forward.
 */
export function useMarkRead(roomId: string, seq: number, enabled: boolean): void {
  const client = useChatClient();
  const marked = useRef({ roomId, seq: 0 });
  useEffect(() => {
    if (marked.current.roomId !== roomId) marked.current = { roomId, seq: 0 };
    if (!enabled || seq <= marked.current.seq) return;
    const mark = marked.current;
    const previous = mark.seq;
    mark.seq = seq;
    client.api.message.markRead.mutate({ roomId, seq }).catch(() => {
      // Harmless: the marker stays behind, and the next message or visit moves it again.
      if (mark.seq === seq) mark.seq = previous;
    });
  }, [client, roomId, seq, enabled]);
}
