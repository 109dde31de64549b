import type { ChatClient, StateChange } from '@confab/client';
import { Observable } from './observable.js';

/** The SDK's connection state, kept from the client's creation on (retryAt is only in events). */
export function createConnectionStore(client: ChatClient): Observable<StateChange> {
  const state = new Observable<StateChange>({
    state: client.state,
    transport: client.transport,
    retryAt: null,
    error: undefined,
  });
  client.on('state', (change) => state.set(change));
  return state;
}
