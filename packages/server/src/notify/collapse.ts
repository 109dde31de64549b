import type { Message, Room } from '@confab/contracts';
import { type Tasks, wait } from './tasks.js';
import type { Telemetry } from './telemetry.js';

/** What one member's push for one room will say, gathered over the collapse window. */
export interface PendingPush {
  userId: string;
  room: Room;
  /** The newest message so far (highest seq), and its author's display name. */
  last: Message;
  authorName: string;
  /** Messages folded in, the first included. */
  messages: number;
}

/**
 * Collapses a burst into one push per (member, room): the first message opens a window of
 * `windowMs`; later ones in the window only update it; when it closes, `flush` sends one push.
 * A window is fixed from its first message (not renewed by each one), so a long burst still
 * notifies every `windowMs`. At shutdown (`stopSignal`) open windows close at once.
 */
export function createCollapser(deps: {
  windowMs: number;
  maxPending: number;
  tasks: Tasks;
  telemetry: Telemetry;
  stopSignal: AbortSignal;
  flush: (push: PendingPush) => Promise<void>;
}) {
  const pending = new Map<string, PendingPush>();
  const { telemetry } = deps;
  return {
    add(userId: string, room: Room, message: Message, authorName: string): void {
      // Ids are base64url: a space cannot occur in either.
      const key = `${userId} ${room.id}`;
      const open = pending.get(key);
      if (open) {
        open.messages += 1;
        // Concurrent sends may report out of seq order: keep the newest.
        if (message.seq > open.last.seq) {
          open.last = message;
          open.authorName = authorName;
        }
        telemetry.count('push', 'collapsed');
        return;
      }
      if (pending.size >= deps.maxPending) {
        telemetry.count('push', 'dropped');
        telemetry.log({ event: 'push.dropped', userId, roomId: room.id, reason: 'queue-full' });
        return;
      }
      const push: PendingPush = { userId, room, last: message, authorName, messages: 1 };
      pending.set(key, push);
      telemetry.count('push', 'scheduled');
      deps.tasks.run(async () => {
        await wait(deps.windowMs, deps.stopSignal);
        pending.delete(key);
        await deps.flush(push);
      });
    },
  };
}
