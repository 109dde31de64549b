import { NOTIFICATION_LIMITS, type PushNotificationPayload } from '@confab/contracts';
import type { OutboxItem, Store } from '../ports/store.js';
import type { Presence } from '../services/presence.js';
import type { PendingPush } from './collapse.js';
import { notifies } from './levels.js';
import type { OutboxOutcome } from './outbox.js';
import type { Telemetry } from './telemetry.js';
import type { PushSender } from './web-push.js';

/** Tries at a push window that failed with an error (not a push service's answer) at most. */
const PUSH_MAX_TRIES = 3;

/** A message body cut to the preview length, in code points, with "…" where it was cut. */
export function preview(body: string, max: number = NOTIFICATION_LIMITS.previewMaxChars): string {
  const chars = Array.from(body);
  if (chars.length <= max) return body;
  return `${chars
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}

/**
 * Sends a push window that closed and was claimed: one push per (member, room) to the member's
 * devices, unless they came back or read the room meanwhile.
 */
export function createPushFlush(deps: {
  store: Pick<Store, 'pushCheck'>;
  presence: Pick<Presence, 'isConnected'>;
  pushSender: Pick<PushSender, 'toUser'>;
  telemetry: Telemetry;
  now: () => number;
}): (item: OutboxItem) => Promise<OutboxOutcome> {
  const { store, presence, pushSender, telemetry, now } = deps;
  return async function flush(item: OutboxItem): Promise<OutboxOutcome> {
    const userId = item.userId ?? '';
    // Only a failure to work on it counts as a push's attempt (a store error): bounded too.
    if (item.attempts >= PUSH_MAX_TRIES) {
      telemetry.count('push', 'dropped');
      telemetry.log({ event: 'push.dropped', userId, roomId: item.roomId ?? '', reason: 'errors' });
      return { outcome: 'finished' };
    }
    const push = JSON.parse(item.payload) as PendingPush;
    // Back during the window: they saw the messages live.
    if (presence.isConnected(userId)) return { outcome: 'finished' };
    // Undefined: they left the room meanwhile.
    const check = await store.pushCheck(push.room.id, userId);
    if (!check) return { outcome: 'finished' };
    // The level may have changed since the window opened: 'none' now, or 'mentions' and
    // nothing in the window named them.
    if (!notifies(check.level, push.mentioned === true)) return { outcome: 'finished' };
    // 0: another device read it all. A mention in a thread-only reply is not unread in the
    // room's timeline, yet it is news until the marker passes it.
    let count = check.unread;
    if (count === 0 && push.mentioned && push.last.seq > check.lastReadSeq) count = 1;
    if (!count) return { outcome: 'finished' };
    const payload: PushNotificationPayload = {
      type: 'room.messages',
      tag: `room:${push.room.id}`,
      roomId: push.room.id,
      roomName: push.room.kind === 'direct' ? push.authorName : push.room.name,
      roomKind: push.room.kind,
      count,
      lastMessage: {
        id: push.last.id,
        seq: push.last.seq,
        authorDisplayName: push.authorName,
        bodyPreview: preview(push.last.body),
        createdAt: push.last.createdAt,
      },
    };
    // Cut short by shutdown: another node (or the next start) sends it; a device that already
    // had it gets it again, and its push service keeps the newest of the room's topic only.
    if ((await pushSender.toUser(userId, payload)) === 'aborted')
      return { outcome: 'release', dueAt: now() };
    return { outcome: 'finished' };
  };
}
