import type { PresenceState } from '@confab/contracts';
import { useEffect, useSyncExternalStore } from 'react';
import { useChatContext } from './provider.js';

/**
 * Presence (online, away, offline with last seen) of people who share a room with the user,
 * live from the stream. Users not known yet are asked for once.
 */
export function usePresence(userIds: readonly string[]): ReadonlyMap<string, PresenceState> {
  const { presence } = useChatContext().store;
  const all = useSyncExternalStore(presence.state.subscribe, presence.state.get);
  const key = userIds.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is `userIds` by value.
  useEffect(() => {
    if (userIds.length > 0) presence.want(userIds);
  }, [presence, key]);
  return all;
}
