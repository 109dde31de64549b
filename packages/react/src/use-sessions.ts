import type { Session } from '@confab/contracts';
import { useCallback } from 'react';
import { useChatClient } from './provider.js';
import { useQuery } from './use-query.js';

export interface UseSessions {
  /** The user's signed-in devices; `current` marks this one. */
  sessions: readonly Session[] | null;
  error: string | null;
  refresh(): Promise<void>;
  /** Signs that device out (its live streams end at once). */
  revoke(sessionId: string): Promise<void>;
}

export function useSessions(): UseSessions {
  const client = useChatClient();
  const { data, error, refresh } = useQuery('sessions', () => client.api.auth.sessions.query());
  const revoke = useCallback(
    async (sessionId: string) => {
      await client.api.auth.revokeSession.mutate({ sessionId });
      await refresh();
    },
    [client, refresh],
  );
  return { sessions: data, error, refresh, revoke };
}
