import type { Settings } from '@confab/contracts';
import { useCallback } from 'react';
import { useChatClient } from './provider.js';
import { useQuery } from './use-query.js';

export interface UseSettings {
  settings: Settings | null;
  error: string | null;
  /** Saves the settings; rejects with the server's refusal. */
  update(settings: Settings): Promise<void>;
}

/** The user's account settings (whether others see their read receipts). */
export function useSettings(): UseSettings {
  const client = useChatClient();
  const { data, error, refresh } = useQuery('settings', () => client.api.auth.settings.query());
  const update = useCallback(
    async (settings: Settings) => {
      await client.api.auth.updateSettings.mutate(settings);
      await refresh();
    },
    [client, refresh],
  );
  return { settings: data, error, update };
}
