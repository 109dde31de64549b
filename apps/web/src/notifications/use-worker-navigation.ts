import { useEffect } from 'react';
import { routeHref } from '../lib/use-route';

interface OpenRoomMessage {
  type: 'confab.open-room';
  roomId: string;
}

function isOpenRoom(data: unknown): data is OpenRoomMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  return message.type === 'confab.open-room' && typeof message.roomId === 'string';
}

/** A push notification was clicked while this tab is open: the worker asks it to show the room. */
export function useWorkerNavigation(): void {
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const container = navigator.serviceWorker;
    const onMessage = (event: MessageEvent) => {
      if (isOpenRoom(event.data))
        window.location.hash = routeHref({ name: 'room', roomId: event.data.roomId });
    };
    container.addEventListener('message', onMessage);
    container.startMessages();
    return () => container.removeEventListener('message', onMessage);
  }, []);
}
