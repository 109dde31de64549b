import type { Member } from '@confab/contracts';
import type { ChatMessage } from '@confab/react';
import { useEffect, useRef, useState } from 'react';

/**
 * The text for the conversation's live region: each message that arrives from someone else
 * while the room is open ("Ada: hello"), not the history loaded with it or above it.
 */
export function useAnnouncement(
  messages: readonly ChatMessage[],
  loaded: boolean,
  members: ReadonlyMap<string, Member>,
  meId: string,
): string {
  const [text, setText] = useState('');
  const lastKey = useRef<string | null>(null);
  useEffect(() => {
    if (!loaded) return;
    const newest = messages.at(-1);
    const previous = lastKey.current;
    lastKey.current = newest?.key ?? null;
    if (previous === null || !newest || newest.key === previous) return;
    if (newest.authorId === meId || newest.status !== 'sent') return;
    const name = members.get(newest.authorId)?.displayName ?? 'Someone';
    setText(`${name}: ${newest.body}`);
  }, [messages, loaded, members, meId]);
  return text;
}
