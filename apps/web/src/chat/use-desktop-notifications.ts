import type { Message } from '@confab/contracts';
import { messageGist, NOTIFICATION_LIMITS } from '@confab/contracts';
import { useChatClient, useChatEvent, useNotificationLevels, useRoomsReader } from '@confab/react';
import { useMemo, useRef } from 'react';
import { isolateText } from '../lib/bidi';
import { previewText, roomTitle } from '../lib/format';
import { routeHref } from '../lib/use-route';
import { desktopNotificationsAllowed } from '../notifications/preference';
import { createAuthorNames } from './author-names';
import { levelAllows } from './notification-level';

/**
 * In a hidden tab, a message from someone else shows a desktop notification, worded like the
 * Web Push one ("team (3)", "Alice: see you…") and tagged per room, so the room's newer
 * notification replaces the older. Never for the user's own messages, nor once notifications are
 * turned off in Settings; and as the room's notification level says: every message ('all'), only
 * one that mentions the user by @username or @room ('mentions'), or none. Clicking it brings the
 * tab back, on that room.
 */
export function useDesktopNotifications(meId: string): void {
  const client = useChatClient();
  const readRooms = useRoomsReader();
  const { levels } = useNotificationLevels();
  const latestLevels = useRef(levels);
  latestLevels.current = levels;
  const authorName = useMemo(() => createAuthorNames(client), [client]);

  const shouldNotify = (roomId: string, message: Message) =>
    document.visibilityState !== 'visible' &&
    levelAllows(latestLevels.current.get(roomId) ?? 'all', message, meId) &&
    desktopNotificationsAllowed();

  useChatEvent((event) => {
    if (event.type !== 'message.created' || event.message.authorId === meId) return;
    const { roomId, message } = event;
    if (!shouldNotify(roomId, message)) return;
    // The store has counted this message already.
    const summary = readRooms()?.find((s) => s.room.id === roomId);
    // Names are isolated: an OS notification is plain text, where no element can do it.
    const name = summary ? isolateText(roomTitle(summary)) : 'New message';
    const count = summary?.unreadCount ?? 1;
    const title = count > 1 ? `${name} (${count})` : name;
    const preview = previewText(messageGist(message), NOTIFICATION_LIMITS.previewMaxChars);
    const author =
      summary?.room.kind === 'direct' && summary.peer?.id === message.authorId
        ? Promise.resolve(summary.peer.displayName)
        : authorName(roomId, message.authorId);
    void author.then((displayName) => {
      // Silenced, shown or turned off while the name was being read: no notification after all.
      if (!shouldNotify(roomId, message)) return;
      let notification: Notification;
      try {
        notification = new Notification(title, {
          body: displayName ? `${isolateText(displayName)}: ${preview}` : preview,
          tag: `room:${roomId}`,
        });
      } catch {
        return; // Some browsers (Android) only show notifications from a service worker.
      }
      notification.onclick = () => {
        window.focus();
        window.location.hash = routeHref({ name: 'room', roomId });
        notification.close();
      };
    });
  });
}
