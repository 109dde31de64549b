import { useCallback, useSyncExternalStore } from 'react';

/** Where the app is: kept in the URL's hash so links, reloads and the back button work. */
export type Route =
  | { name: 'home' }
  /** With `messageId`: a message link, opened around that message with it highlighted. */
  | { name: 'room'; roomId: string; messageId?: string }
  | { name: 'browse' }
  | { name: 'new-room' }
  | { name: 'direct' }
  | { name: 'settings' }
  /** Message search (its query and results are kept while the app runs: panels/use-message-search.ts). */
  | { name: 'search' }
  /** Where the signed-in user was @mentioned (panels/MentionsPanel.tsx). */
  | { name: 'mentions' };

const PAGES = ['browse', 'new-room', 'direct', 'settings', 'search', 'mentions'] as const;

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const room = /^rooms\/([A-Za-z0-9_-]{1,64})(?:\/messages\/([A-Za-z0-9_-]{1,64}))?$/.exec(path);
  if (room?.[1]) {
    return room[2]
      ? { name: 'room', roomId: room[1], messageId: room[2] }
      : { name: 'room', roomId: room[1] };
  }
  const page = PAGES.find((p) => p === path);
  return page ? { name: page } : { name: 'home' };
}

export function routeHref(route: Route): string {
  if (route.name === 'room') {
    const room = `#/rooms/${route.roomId}`;
    return route.messageId ? `${room}/messages/${route.messageId}` : room;
  }
  return route.name === 'home' ? '#/' : `#/${route.name}`;
}

/** The absolute URL of a message link (what "Copy link" puts on the clipboard). */
export function messageLinkUrl(roomId: string, messageId: string): string {
  const { origin, pathname } = window.location;
  return `${origin}${pathname}${routeHref({ name: 'room', roomId, messageId })}`;
}

const subscribe = (changed: () => void) => {
  window.addEventListener('hashchange', changed);
  return () => window.removeEventListener('hashchange', changed);
};

export function useRoute(): [Route, (route: Route) => void] {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  const navigate = useCallback((route: Route) => {
    window.location.hash = routeHref(route);
  }, []);
  return [parseRoute(hash), navigate];
}
