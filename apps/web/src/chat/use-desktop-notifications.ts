import type { RoomSummary } from '@confab/contracts';
import { useChatEvent } from '@confab/react';
import { useRef } from 'react';
import { roomTitle } from '../lib/format';

/**
 * In a hidden tab, a message from someone else shows a desktop notification (once the person
 * allowed them in Settings). Clicking it brings the tab back, on that room.
 */
export function useDesktopNotifications(meId: string, rooms: readonly RoomSummary[] | null) {
  const latestRooms = useRef(rooms);
  latestRooms.current = rooms;
  useChatEvent((event) => {
    if (event.type !== 'message.created' || event.message.authorId === meId) return;
    if (document.visibilityState === 'visible') return;
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const summary = latestRooms.current?.find((s) => s.room.id === event.roomId);
    const title = summary ? roomTitle(summary) : 'New message';
    const notification = new Notification(title, {
      body: event.message.body.slice(0, 200),
      tag: event.roomId,
    });
    notification.onclick = () => {
      window.focus();
      window.location.hash = `#/rooms/${event.roomId}`;
      notification.close();
    };
  });
}
