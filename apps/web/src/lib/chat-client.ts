import { type ChatClient, createChatClient, type Transport } from '@confab/client';
import { createContext, useContext } from 'react';

/** 'sse' when the page was opened with `?transport=sse`, WebSocket otherwise. */
export function transportFromLocation(search: string): Transport {
  return new URLSearchParams(search).get('transport') === 'sse' ? 'sse' : 'ws';
}

/** The browser's client: same origin as the page, authenticated by the HttpOnly cookie. */
export function createBrowserClient(): ChatClient {
  return createChatClient({
    url: window.location.origin,
    transport: transportFromLocation(window.location.search),
  });
}

export const ClientContext = createContext<ChatClient | null>(null);

export function useChatClient(): ChatClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useChatClient needs a ClientContext provider');
  return client;
}
