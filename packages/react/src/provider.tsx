import type { ChatClient } from '@confab/client';
import type { User } from '@confab/contracts';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { type ChatStore, storeFor } from './store/chat-store.js';

interface ChatContextValue {
  client: ChatClient;
  store: ChatStore;
  user: User | null;
}

const ChatContext = createContext<ChatContextValue | null>(null);

/**
 * Gives the hooks below it one Confab client (and the signed-in user, once there is one). A
 * client serves one session: after signing out, pass a new client.
 */
export function ChatProvider(props: {
  client: ChatClient;
  /** The signed-in user; null while signed out. */
  user?: User | null;
  children?: ReactNode;
}) {
  const { client, user = null } = props;
  const store = storeFor(client);
  // Idempotent, like a ref update: the store needs to know whose messages are "own".
  store.setMe(user?.id ?? null);
  const value = useMemo(() => ({ client, store, user }), [client, store, user]);
  return <ChatContext.Provider value={value}>{props.children}</ChatContext.Provider>;
}

/** @internal */
export function useChatContext(): ChatContextValue {
  const value = useContext(ChatContext);
  if (!value) throw new Error('Confab hooks need a <ChatProvider> above them');
  return value;
}

/** The Confab client: `api` is every procedure, typed from the server's router. */
export function useChatClient(): ChatClient {
  return useChatContext().client;
}

/** The signed-in user (throws outside a signed-in ChatProvider). */
export function useCurrentUser(): User {
  const { user } = useChatContext();
  if (!user) throw new Error('useCurrentUser needs a signed-in user on <ChatProvider>');
  return user;
}
