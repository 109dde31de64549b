import type { Member } from '@confab/contracts';
import { useMemo } from 'react';
import { useChatClient } from './provider.js';
import { useChatEvent } from './use-chat-event.js';
import { useQuery } from './use-query.js';

export interface UseMembers {
  /** In joining order; null until loaded. */
  members: readonly Member[] | null;
  /** By user id, for naming authors. */
  byId: ReadonlyMap<string, Member>;
  error: string | null;
  refresh(): Promise<void>;
}

/**
 * A room's members, reloaded when someone joins, leaves or is removed, and when one of them
 * changes their profile (a new avatar).
 */
export function useMembers(roomId: string): UseMembers {
  const client = useChatClient();
  const { data, error, refresh } = useQuery(`members:${roomId}`, () =>
    client.api.room.members.query({ roomId }),
  );
  const byId = useMemo(() => new Map((data ?? []).map((m) => [m.userId, m])), [data]);
  useChatEvent((event) => {
    if ('seq' in event && event.roomId === roomId && event.type.startsWith('member.'))
      void refresh();
    else if (event.type === 'profile' && byId.has(event.user.id)) void refresh();
  });
  return { members: data, byId, error, refresh };
}
