import type { Member } from '@confab/contracts';
import type { ChatMessage } from '@confab/react';
import { useMemo } from 'react';

/** The message to mark, and who read it: null readers in a direct conversation ("Seen"). */
export interface SeenBy {
  key: string;
  readers: readonly string[] | null;
}

/**
 * "Seen by Ada and Ben" under the newest of one's own messages that others have read (just
 * "Seen" in a direct conversation). Only members who share read receipts count.
 */
export function useSeenBy(
  messages: readonly ChatMessage[],
  receipts: ReadonlyMap<string, number>,
  members: ReadonlyMap<string, Member>,
  meId: string,
  direct: boolean,
): SeenBy | null {
  return useMemo(() => {
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i];
      if (!message || message.authorId !== meId || message.seq === null) continue;
      const { seq } = message;
      const readers = [...receipts]
        .filter(([userId, read]) => userId !== meId && read >= seq)
        .map(([userId]) => members.get(userId)?.displayName)
        .filter((name): name is string => name !== undefined);
      if (readers.length === 0) continue;
      return { key: message.key, readers: direct ? null : readers };
    }
    return null;
  }, [messages, receipts, members, meId, direct]);
}
