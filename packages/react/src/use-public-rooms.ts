import type { PublicRoom } from '@confab/contracts';
import { useCallback } from 'react';
import { useChatClient } from './provider.js';
import { type QueryState, useQuery } from './use-query.js';

export interface UsePublicRooms extends QueryState<readonly PublicRoom[]> {
  /** Joins a public room; the user's rooms update from the stream. */
  join(roomId: string): Promise<void>;
}

/** Public rooms whose name contains `query` (all of them for an empty one), latest activity first. */
export function usePublicRooms(query = ''): UsePublicRooms {
  const client = useChatClient();
  const trimmed = query.trim();
  const result = useQuery(`public:${trimmed}`, () =>
    client.api.room.listPublic.query(trimmed ? { query: trimmed } : {}),
  );
  const join = useCallback(
    async (roomId: string) => {
      await client.api.room.join.mutate({ roomId });
    },
    [client],
  );
  return { ...result, join };
}
