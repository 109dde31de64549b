import { LIMITS } from '@confab/contracts';
import type { Bus } from '../ports/bus.js';
import type { Authenticated } from './accounts.js';
import type { Rooms } from './rooms.js';

/** A typist's signals closer together than this are dropped (clients throttle too). */
const MIN_INTERVAL_MS = 1_000;

/**
 * "X is typing": never stored, sent to the room's members' live devices (not the typist's own),
 * shown until `expiresAt` unless renewed.
 */
export function createTyping(deps: { bus: Bus; rooms: Rooms; now: () => number }) {
  const { bus, rooms, now } = deps;
  const last = new Map<string, number>();
  return {
    async typing(auth: Authenticated, roomId: string): Promise<void> {
      await rooms.requireMember(auth, roomId);
      const key = `${auth.user.id}:${roomId}`;
      const t = now();
      if (t - (last.get(key) ?? 0) < MIN_INTERVAL_MS) return;
      last.set(key, t);
      if (last.size > 50_000)
        for (const [k, at] of last) if (t - at > LIMITS.typingTtlMs) last.delete(k);
      await bus.publish(`room:${roomId}`, {
        kind: 'signal',
        event: { type: 'typing', roomId, userId: auth.user.id, expiresAt: t + LIMITS.typingTtlMs },
      });
    },
  };
}
export type TypingService = ReturnType<typeof createTyping>;
