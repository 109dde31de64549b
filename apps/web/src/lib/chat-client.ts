import { type ChatClient, createChatClient, type TransportPreference } from '@confab/client';
import { createContext, useContext } from 'react';

const TRANSPORTS: readonly TransportPreference[] = ['ws', 'sse', 'poll', 'auto'];

/** `?transport=sse` (or poll, auto) forces how live events travel; WebSocket otherwise. */
export function transportFromLocation(search: string): TransportPreference {
  const wanted = new URLSearchParams(search).get('transport');
  return TRANSPORTS.find((t) => t === wanted) ?? 'ws';
}

/**
 * The browser's client: same origin as the page, authenticated by the HttpOnly cookie. Its live
 * stream is started only once signed in (an anonymous stream would be refused and end it).
 */
export function createBrowserClient(): ChatClient {
  return createChatClient({
    url: window.location.origin,
    transport: transportFromLocation(window.location.search),
    autoConnect: false,
  });
}

export const ClientContext = createContext<ChatClient | null>(null);

export function useChatClient(): ChatClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useChatClient needs a ClientContext provider');
  return client;
}
