import { useCurrentUser } from '@confab/react';
import { type Route, routeHref } from '../lib/use-route';
import { Avatar } from '../ui/Avatar';
import { Icon } from '../ui/Icon';
import { ConnectionStatus } from './ConnectionStatus';
import { RoomList } from './RoomList';

export function Sidebar(props: { route: Route; onSignOut: () => Promise<void> }) {
  const me = useCurrentUser();
  const { route } = props;
  const current = (name: Route['name']) => (route.name === name ? 'page' : undefined);
  return (
    <aside className="sidebar" aria-label="Rooms and account">
      <header className="sidebar-header">
        <a className="brand" href={routeHref({ name: 'home' })}>
          <span className="logo" aria-hidden="true">
            C
          </span>
          Confab
        </a>
        <ConnectionStatus />
      </header>
      <a
        className="sidebar-search"
        href={routeHref({ name: 'search' })}
        aria-current={current('search')}
        aria-keyshortcuts="Control+K Meta+K"
      >
        <Icon name="search" />
        <span>Search messages</span>
        {/* aria-keyshortcuts says it to assistive technology; the name stays "Search messages". */}
        <span className="sidebar-search-key" aria-hidden="true">
          Ctrl K
        </span>
      </a>
      <nav className="sidebar-actions" aria-label="Start">
        <a href={routeHref({ name: 'new-room' })} aria-current={current('new-room')}>
          <Icon name="plus" />
          New room
        </a>
        <a href={routeHref({ name: 'direct' })} aria-current={current('direct')}>
          <Icon name="message" />
          Message
        </a>
        <a href={routeHref({ name: 'browse' })} aria-current={current('browse')}>
          <Icon name="search" />
          Browse
        </a>
        <a href={routeHref({ name: 'mentions' })} aria-current={current('mentions')}>
          <Icon name="at" />
          Mentions
        </a>
      </nav>
      <RoomList selectedId={route.name === 'room' ? route.roomId : null} />
      <footer className="me">
        <Avatar id={me.id} name={me.displayName} size="sm" avatarVersion={me.avatarVersion} />
        <div className="me-names">
          <strong>
            <bdi>{me.displayName}</bdi>
          </strong>
          <span className="muted">
            @<bdi>{me.username}</bdi>
          </span>
        </div>
        <a
          className="icon-button"
          href={routeHref({ name: 'settings' })}
          aria-current={current('settings')}
          aria-label="Settings"
          title="Settings"
        >
          <Icon name="settings" />
        </a>
        <button
          type="button"
          className="icon-button"
          aria-label="Sign out"
          title="Sign out"
          onClick={() => void props.onSignOut()}
        >
          <Icon name="logout" />
        </button>
      </footer>
    </aside>
  );
}
