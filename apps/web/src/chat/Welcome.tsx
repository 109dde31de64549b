import type { RoomSummary } from '@confab/contracts';
import { routeHref } from '../lib/use-route';

/** The main pane before a room is chosen. */
export function Welcome(props: { rooms: readonly RoomSummary[] | null }) {
  const empty = props.rooms?.length === 0;
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">{empty ? 'Welcome to Confab' : 'Pick a conversation'}</h2>
      <p className="muted">
        {empty
          ? 'You are not in any room yet. Join a public room, start your own, or message someone.'
          : 'Choose a room on the left, or start something new.'}
      </p>
      <div className="welcome-actions">
        <a className="button primary" href={routeHref({ name: 'browse' })}>
          Browse public rooms
        </a>
        <a className="button" href={routeHref({ name: 'new-room' })}>
          Create a room
        </a>
        <a className="button" href={routeHref({ name: 'direct' })}>
          Message someone
        </a>
      </div>
    </section>
  );
}
