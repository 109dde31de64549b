import { errorCodeOf, type TransportPreference } from '@confab/client';
import {
  useChatClient,
  useConnection,
  useCurrentUser,
  useReportActivity,
  useRooms,
} from '@confab/react';
import { lazy, Suspense, useCallback, useEffect, useRef } from 'react';
import { Conversation } from '../conversation/Conversation';
import { SIGNED_OUT_CODES } from '../lib/session-codes';
import { type Route, useRoute } from '../lib/use-route';
import { usePushResync } from '../notifications/use-push-resync';
import { useWorkerNavigation } from '../notifications/use-worker-navigation';
import { BrowseRooms } from '../panels/BrowseRooms';
import { NewDirect } from '../panels/NewDirect';
import { NewRoom } from '../panels/NewRoom';
import { Sidebar } from '../sidebar/Sidebar';
import { useDesktopNotifications } from './use-desktop-notifications';
import { useDocumentTitle } from './use-document-title';
import { useSearchShortcut } from './use-search-shortcut';
import { Welcome } from './Welcome';

// Pages a session may never open load when first opened, so the first screen's script stays
// smaller (the service worker caches their chunks with the shell, so they open offline too).
const SearchPanel = lazy(() =>
  import('../panels/SearchPanel').then((m) => ({ default: m.SearchPanel })),
);
const MentionsPanel = lazy(() =>
  import('../panels/MentionsPanel').then((m) => ({ default: m.MentionsPanel })),
);
const SettingsPanel = lazy(() =>
  import('../panels/SettingsPanel').then((m) => ({ default: m.SettingsPanel })),
);

/** The signed-in app: the sidebar, and the room or page the URL points at. */
export function ChatView(props: {
  onSignedOut: (notice: string | null) => void;
  transport: TransportPreference;
  onTransportChange: (transport: TransportPreference) => void;
}) {
  const { onSignedOut } = props;
  const client = useChatClient();
  const me = useCurrentUser();
  const connection = useConnection();
  const { rooms, refresh } = useRooms();
  const [route, navigate] = useRoute();
  const signingOut = useRef(false);

  useEffect(() => client.connect(), [client]);
  useReportActivity();
  useDesktopNotifications(me.id);
  usePushResync();
  useWorkerNavigation();
  useDocumentTitle(rooms);

  // The session ended elsewhere (revoked from another device, expired): back to sign-in.
  useEffect(() => {
    if (connection.state !== 'closed' || signingOut.current) return;
    if (SIGNED_OUT_CODES.has(errorCodeOf(connection.error)))
      onSignedOut('You were signed out. Please sign in again.');
  }, [connection, onSignedOut]);

  const signOut = useCallback(async () => {
    signingOut.current = true;
    try {
      await client.api.auth.logout.mutate();
    } catch {
      // Signed out already (expired, revoked): the app resets the same way.
    }
    onSignedOut(null);
  }, [client, onSignedOut]);

  /** Deletes the account (password confirmed); the streams it ends are not a surprise sign-out. */
  const deleteAccount = useCallback(
    async (password: string) => {
      signingOut.current = true;
      try {
        await client.api.account.delete.mutate({ password });
      } catch (error) {
        signingOut.current = false;
        throw error;
      }
      onSignedOut('Your account was deleted.');
    },
    [client, onSignedOut],
  );

  /** After creating, joining or opening a room: list it and go there. */
  const openRoom = useCallback(
    (roomId: string) => {
      void refresh();
      navigate({ name: 'room', roomId });
    },
    [navigate, refresh],
  );

  const goHome = useCallback(() => navigate({ name: 'home' }), [navigate]);
  const openSearch = useCallback(() => navigate({ name: 'search' }), [navigate]);
  useSearchShortcut(openSearch);
  const openResult = useCallback(
    (roomId: string, messageId: string) => navigate({ name: 'room', roomId, messageId }),
    [navigate],
  );
  const selectedId = route.name === 'room' ? route.roomId : null;
  return (
    <div className="layout" data-view={route.name === 'home' ? 'list' : 'main'}>
      {/* The page's one h1, for screen readers' heading navigation; the sidebar's and the main
          pane's titles are h2s under it. Visually the logo already says it. */}
      <h1 className="visually-hidden">Confab</h1>
      <Sidebar route={route} onSignOut={signOut} />
      <main className="main" id="main">
        <Suspense fallback={<p className="muted page-loading">Loading…</p>}>
          {renderPage(route)}
        </Suspense>
      </main>
    </div>
  );

  function renderPage(current: Route) {
    switch (current.name) {
      case 'room':
        return (
          <Conversation
            key={current.roomId}
            roomId={current.roomId}
            summary={rooms?.find((s) => s.room.id === selectedId)}
            roomsLoaded={rooms !== null}
            messageId={current.messageId}
            onBack={goHome}
          />
        );
      case 'search':
        return <SearchPanel onBack={goHome} onOpen={openResult} />;
      case 'mentions':
        return <MentionsPanel onBack={goHome} />;
      case 'browse':
        return <BrowseRooms onBack={goHome} onOpen={openRoom} />;
      case 'new-room':
        return <NewRoom onBack={goHome} onCreated={openRoom} />;
      case 'direct':
        return <NewDirect onBack={goHome} onOpened={openRoom} />;
      case 'settings':
        return (
          <SettingsPanel
            onBack={goHome}
            transport={props.transport}
            onTransportChange={props.onTransportChange}
            onSignOut={signOut}
            onDeleteAccount={deleteAccount}
          />
        );
      case 'home':
        return <Welcome rooms={rooms} />;
    }
  }
}
