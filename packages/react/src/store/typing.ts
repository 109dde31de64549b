import type { ChatEvent } from '@confab/client';
import { LIMITS } from '@confab/contracts';
import { Observable } from './observable.js';

/** Room id -> user id -> when their indicator goes out (this device's clock). */
export type TypingState = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * "X is typing": each signal lights the indicator for the typing TTL; a message from them puts
 * it out at once. The server's `expiresAt` is by its clock, which this device's may not match,
 * so the TTL is counted from arrival instead.
 */
export function createTypingStore() {
  const state = new Observable<TypingState>(new Map());
  let timer: ReturnType<typeof setTimeout> | undefined;

  const update = (roomId: string, change: (users: Map<string, number>) => void) => {
    const next = new Map(state.get());
    const users = new Map(next.get(roomId));
    change(users);
    if (users.size === 0) next.delete(roomId);
    else next.set(roomId, users);
    state.set(next);
  };

  const prune = () => {
    timer = undefined;
    const now = Date.now();
    let soonest = Number.POSITIVE_INFINITY;
    const next = new Map<string, Map<string, number>>();
    for (const [roomId, users] of state.get()) {
      const live = new Map([...users].filter(([, until]) => until > now));
      for (const until of live.values()) soonest = Math.min(soonest, until);
      if (live.size > 0) next.set(roomId, live);
    }
    state.set(next);
    if (soonest !== Number.POSITIVE_INFINITY) timer = setTimeout(prune, soonest - now);
  };

  return {
    state,
    apply(event: ChatEvent): void {
      if (event.type === 'typing') {
        update(event.roomId, (users) => users.set(event.userId, Date.now() + LIMITS.typingTtlMs));
        if (timer === undefined) timer = setTimeout(prune, LIMITS.typingTtlMs);
      } else if (event.type === 'message.created') {
        const { roomId, authorId } = event.message;
        if (state.get().get(roomId)?.has(authorId))
          update(roomId, (users) => users.delete(authorId));
      }
    },
  };
}
