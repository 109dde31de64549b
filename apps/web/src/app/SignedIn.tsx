import {
  type ChatClient,
  createChatClient,
  indexedDbOutboxStore,
  type TransportPreference,
} from '@confab/client';
import type { User } from '@confab/contracts';
import { ChatProvider } from '@confab/react';
import { useCallback, useEffect, useState } from 'react';
import { ChatView } from '../chat/ChatView';
import { initialTransport, saveTransport } from './transport';

/**
 * The browser's client: same origin as the page, authenticated by the HttpOnly cookie. Its
 * unsent messages are kept in IndexedDB (one store per user, so another account in this
 * browser never sends them): a message written offline is sent once the app is open and online
 * again, even after the tab was closed.
 */
function browserClient(transport: TransportPreference, userId: string): ChatClient {
  return createChatClient({
    url: window.location.origin,
    transport,
    autoConnect: false,
    ...('indexedDB' in window
      ? { outboxStore: indexedDbOutboxStore(`confab-outbox-${userId}`) }
      : {}),
  });
}

/**
 * The signed-in app, a chunk of its own (see App): the SDK's client for this user, the chat
 * store around it, and the chat view. A fresh client per session and per transport change: a
 * WebSocket authenticates once, when it connects.
 */
export function SignedIn(props: {
  user: User;
  /** The session ended (signed out here or elsewhere, revoked): back to the sign-in form. */
  onSignedOut: (notice: string | null) => void;
}) {
  const { onSignedOut } = props;
  const [user, setUser] = useState(props.user);
  const [transport, setTransport] = useState(initialTransport);
  // Each client gets its own key: the view is rebuilt around a new one.
  const [{ client, key }, setClient] = useState(() => ({
    client: browserClient(transport, props.user.id),
    key: 0,
  }));

  // The user's own new avatar or name (saved in settings here, or on another device) reaches
  // the sidebar with the `profile` event the server sends to every device of theirs.
  useEffect(
    () =>
      client.on('event', (event) => {
        if (event.type === 'profile' && event.user.id === user.id) setUser(event.user);
      }),
    [client, user.id],
  );

  const signedOut = useCallback(
    (notice: string | null) => {
      client.close();
      onSignedOut(notice);
    },
    [client, onSignedOut],
  );

  const changeTransport = useCallback(
    (next: TransportPreference) => {
      saveTransport(next);
      setTransport(next);
      client.close();
      setClient((c) => ({ client: browserClient(next, user.id), key: c.key + 1 }));
    },
    [client, user.id],
  );

  return (
    <ChatProvider client={client} user={user}>
      <ChatView
        key={key}
        onSignedOut={signedOut}
        transport={transport}
        onTransportChange={changeTransport}
      />
    </ChatProvider>
  );
}
