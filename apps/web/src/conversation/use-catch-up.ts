import type { RoomSummary } from '@confab/contracts';
import { type ChatMessage, type MessagesStart, useChatClient, useChatEvent } from '@confab/react';
import { useCallback, useEffect, useRef, useState } from 'react';

const NEWEST: MessagesStart = { at: 'newest' };

/**
 * Where a room opens: around a message link's message; else, with unread messages, at the first
 * one after the read marker; else at the newest. Decided once, from the read marker as it was
 * when the room was opened (null until "my rooms" has loaded and it is known).
 */
export function useOpeningStart(
  messageId: string | undefined,
  summary: RoomSummary | undefined,
  roomsLoaded: boolean,
): MessagesStart | null {
  const decided = useRef<MessagesStart | null>(null);
  // Leaving a message link for the room itself (the sidebar) opens it as it is now.
  const link = useRef(messageId);
  if (link.current !== messageId) {
    link.current = messageId;
    decided.current = null;
  }
  if (decided.current === null) {
    if (summary)
      decided.current =
        summary.unreadCount > 0 ? { at: 'unread', afterSeq: summary.lastReadSeq } : NEWEST;
    else if (roomsLoaded) decided.current = NEWEST;
  }
  return messageId ? { at: 'message', messageId } : decided.current;
}

/**
 * Where the "new messages" divider goes: after the read marker as it was when the room was opened.
 * A message that arrives while the room is open in a visible tab and nothing is unread (no divider
 * pending) was watched arriving: the divider moves past it instead of appearing above it. One that
 * arrives while the tab is hidden is news, and gets the divider.
 */
export function useUnreadDivider(props: {
  roomId: string;
  summary: RoomSummary | undefined;
  messages: readonly ChatMessage[];
  meId: string;
  visible: boolean;
  loaded: boolean;
  /** The view is a window that has not reached the live end (unread may lie beyond it). */
  hasNewer: boolean;
}): { after: number | null; clear(seq: number): void } {
  const { roomId, summary, messages, meId } = props;
  const [after, setAfter] = useState<number | null>(null);
  useEffect(() => {
    if (summary) setAfter((seq) => seq ?? summary.lastReadSeq);
  }, [summary]);

  const pending =
    !props.loaded ||
    props.hasNewer ||
    (after !== null &&
      messages.some((m) => m.seq !== null && m.seq > after && m.authorId !== meId));
  const latest = useRef({ pending, visible: props.visible });
  latest.current = { pending, visible: props.visible };

  // Runs before the timeline re-renders with the new message: `pending` is what was on screen.
  useChatEvent((event) => {
    if (event.type !== 'message.created' || event.roomId !== roomId) return;
    if (event.message.authorId === meId) return;
    const { pending: unreadShown, visible } = latest.current;
    if (visible && !unreadShown) setAfter((seq) => (seq === null ? seq : Math.max(seq, event.seq)));
  });

  const clear = useCallback((seq: number) => {
    setAfter((current) => Math.max(current ?? 0, seq));
  }, []);
  return { after, clear };
}

/** "Mark all as read": the read marker to the room's newest event, the divider gone. */
export function useMarkAllRead(
  roomId: string,
  latestSeq: number,
  onMarked: (seq: number) => void,
): () => Promise<void> {
  const client = useChatClient();
  return useCallback(async () => {
    onMarked(latestSeq);
    await client.api.message.markRead.mutate({ roomId, seq: latestSeq });
  }, [client, roomId, latestSeq, onMarked]);
}
