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

/** A room's members, reloaded when someone joins, leaves or is removed. */
export function useMembers(roomId: string): UseMembers {
  const client = useChatClient();
  const { data, error, refresh } = useQuery(`members:${roomId}`, () =>
    client.api.room.members.query({ roomId }),
  );
  useChatEvent((event) => {
    if ('seq' in event && event.roomId === roomId && event.type.startsWith('member.'))
      void refresh();
  });
  const byId = useMemo(() => new Map((data ?? []).map((m) => [m.userId, m])), [data]);
  return { members: data, byId, error, refresh };
}
