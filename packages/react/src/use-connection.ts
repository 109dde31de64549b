import type { StateChange } from '@confab/client';
import { useSyncExternalStore } from 'react';
import { useChatContext } from './provider.js';

/**
 * The live stream's state: `state` (connecting, connected, reconnecting, offline, closed), the
 * `transport` in use, `retryAt` (epoch ms of the next attempt while reconnecting) and `error`.
 */
export function useConnection(): StateChange {
  const { connection } = useChatContext().store;
  return useSyncExternalStore(connection.subscribe, connection.get);
}
