import type { ChatClient, ChatEvent } from '@confab/client';
import type { PresenceState } from '@confab/contracts';
import { Observable } from './observable.js';

/**
 * Presence of the people who share a room with the user: the stream's snapshot (sent once,
 * after its first sync point: hence kept from the client's creation on), then each change.
 * People the snapshot did not cover (they joined later) are asked for with presence.of.
 */
export function createPresenceStore(client: ChatClient) {
  const state = new Observable<ReadonlyMap<string, PresenceState>>(new Map());
  const requested = new Set<string>();
  let batch: string[] = [];

  const merge = (users: readonly PresenceState[]) => {
    const next = new Map(state.get());
    for (const user of users) next.set(user.userId, user);
    state.set(next);
  };

  const flush = () => {
    const userIds = batch;
    batch = [];
    client.api.presence.of.query({ userIds }).then(merge, () => {
      // Best effort: ask again the next time someone needs them.
      for (const id of userIds) requested.delete(id);
    });
  };

  return {
    state,
    apply(event: ChatEvent): void {
      if (event.type === 'presence.snapshot') merge(event.users);
      else if (event.type === 'presence') {
        const { type: _type, ...user } = event;
        merge([user]);
      }
    },
    /** Makes sure these users' presence is known (one request per burst of asks). */
    want(userIds: readonly string[]): void {
      const known = state.get();
      const missing = userIds.filter((id) => !known.has(id) && !requested.has(id));
      if (missing.length === 0) return;
      for (const id of missing) requested.add(id);
      if (batch.length === 0) queueMicrotask(flush);
      batch.push(...missing);
    },
  };
}
export type PresenceStore = ReturnType<typeof createPresenceStore>;
