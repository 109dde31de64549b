import { type Message, messageGist, type Room } from '@confab/contracts';
import type { PushWindowUpdate } from '../ports/store.js';

/** What one member's push for one room will say: stored with its window in the outbox. */
export interface PendingPush {
  room: Pick<Room, 'id' | 'name' | 'kind'>;
  /** The newest message so far (highest seq), and its author's display name. */
  last: Pick<Message, 'id' | 'seq' | 'body' | 'createdAt'>;
  authorName: string;
  /**
   * A message folded in by this burst named the member. A window a 'mentions' member gets is
   * opened and folded only by mentions; the flush checks the level again (it may have changed).
   * Absent in windows queued before mentions existed.
   */
  mentioned?: boolean;
}

/**
 * Collapses a burst into one push per (member, room). The first message opens a window of
 * `windowMs` (a row of the outbox, due when it closes); later ones, in this burst or the next,
 * only fold into it, from any node. A window is fixed from its first message (not renewed by
 * each one), so a long burst still notifies every `windowMs`; whichever node claims it when
 * due sends one push. This gathers one burst's share before it goes to the store.
 */
export function collectPushWindows() {
  const windows = new Map<string, { userId: string; push: PendingPush; messages: number }>();
  return {
    add(userId: string, room: Room, message: Message, authorName: string, mentioned = false): void {
      // Ids are base64url: a space cannot occur in either.
      const key = `${userId} ${room.id}`;
      const open = windows.get(key);
      if (open) {
        open.messages += 1;
        if (mentioned) open.push.mentioned = true;
        // Concurrent sends may report out of seq order: keep the newest.
        if (message.seq > open.push.last.seq) {
          open.push.last = pick(message);
          open.push.authorName = authorName;
        }
        return;
      }
      const push: PendingPush = {
        room: { id: room.id, name: room.name, kind: room.kind },
        last: pick(message),
        authorName,
      };
      if (mentioned) push.mentioned = true;
      windows.set(key, { userId, push, messages: 1 });
    },
    /** The burst's windows, as the store takes them; new ones close `windowMs` from `now`. */
    updates(now: number, windowMs: number, newId: () => string): PushWindowUpdate[] {
      return [...windows.values()].map(({ userId, push, messages }) => ({
        id: newId(),
        userId,
        roomId: push.room.id,
        seq: push.last.seq,
        payload: JSON.stringify(push),
        messages,
        dueAt: now + windowMs,
        createdAt: now,
      }));
    },
  };
}

function pick(message: Message): PendingPush['last'] {
  // A message of files only is previewed as "📎 name" (what the web app's lines say too).
  return {
    id: message.id,
    seq: message.seq,
    body: messageGist(message),
    createdAt: message.createdAt,
  };
}
export type PushWindows = ReturnType<typeof collectPushWindows>;
