import { useSyncExternalStore } from 'react';
import { useChatContext } from './provider.js';

const NOBODY: readonly string[] = [];

/** Who (user ids, never the user) is typing in the room right now. */
export function useTyping(roomId: string): readonly string[] {
  const { typing } = useChatContext().store;
  const users = useSyncExternalStore(typing.state.subscribe, () => typing.state.get().get(roomId));
  return users ? [...users.keys()] : NOBODY;
}
