import { type ChatClient, createChatClient, errorCodeOf } from '@confab/client';
import type { User } from '@confab/contracts';
import { ChatProvider } from '@confab/react';
import { useEffect, useState } from 'react';
import { confabToken, type Me, signOut } from './backend.js';
import { Room } from './Room.js';

/** The user's Confab client, in the shared room, once it is joined. */
function useConfab(me: Me) {
  const [ready, setReady] = useState<{ client: ChatClient; user: User } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // No Confab password anywhere: the token comes from the app's backend, and again from it
    // whenever Confab says the current one expired.
    const client = createChatClient({ url: me.confabUrl, token: confabToken, autoConnect: false });
    let cancelled = false;
    (async () => {
      const { user } = await client.api.auth.me.query();
      await client.api.room.join.mutate({ roomId: me.roomId }).catch((e: unknown) => {
        if (errorCodeOf(e) !== 'CONFLICT') throw e; // a member already
      });
      if (cancelled) return;
      client.connect();
      setReady({ client, user });
    })().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
      client.close();
    };
  }, [me]);
  return { ready, error };
}

export function Chat(props: { me: Me; onSignedOut: () => void }) {
  const { ready, error } = useConfab(props.me);
  const leave = () => {
    signOut().then(props.onSignedOut, props.onSignedOut);
  };
  return (
    <main>
      <header>
        Signed in as <strong>{props.me.user.displayName}</strong>{' '}
        <button type="button" onClick={leave}>
          Sign out
        </button>
      </header>
      {error && <p role="alert">{error}</p>}
      {ready && (
        <ChatProvider client={ready.client} user={ready.user}>
          <Room roomId={props.me.roomId} name={props.me.roomName} />
        </ChatProvider>
      )}
    </main>
  );
}
