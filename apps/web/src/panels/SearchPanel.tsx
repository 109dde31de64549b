import type { Member, SearchHit, SearchSegment } from '@confab/contracts';
import { useChatClient, useCurrentUser, useRooms } from '@confab/react';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { AuthorName } from '../chat/AuthorName';
import { createAuthorNames } from '../chat/author-names';
import { SEARCH_BOX_ID } from '../chat/use-search-shortcut';
import { formatDay, formatTime, roomTitle } from '../lib/format';
import { Alert } from '../ui/Alert';
import { Panel } from './Panel';
import { snippet } from './search-snippet';
import { type SearchFilters, useMessageSearch } from './use-message-search';

/** Full-text search over the messages of the caller's rooms, with filters and paging. */
export function SearchPanel(props: {
  onBack: () => void;
  onOpen: (roomId: string, messageId: string) => void;
}) {
  const { state, search, more, busy, error } = useMessageSearch();
  const [text, setText] = useState(state.query);
  const [filters, setFilters] = useState<SearchFilters>(state.filters);
  const input = useRef<HTMLInputElement>(null);
  // Panel focuses its heading when it mounts, after this component's own effects ran: the
  // search box takes the focus a frame later, as a search page should.
  useEffect(() => {
    const frame = requestAnimationFrame(() => input.current?.focus());
    return () => cancelAnimationFrame(frame);
  }, []);

  const set = (change: Partial<SearchFilters>) => {
    const next = { ...filters, ...change };
    setFilters(next);
    // A filter changed after a search re-runs it: the results always answer what is shown.
    if (state.searched && text.trim()) void search(text.trim(), next);
  };

  return (
    <Panel title="Search messages" onBack={props.onBack}>
      <form
        className="message-search"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) void search(text.trim(), filters);
        }}
      >
        <label className="field">
          <span>Search messages</span>
          <span className="message-search-row">
            <input
              ref={input}
              id={SEARCH_BOX_ID}
              type="search"
              value={text}
              maxLength={200}
              onChange={(e) => setText(e.target.value)}
              placeholder="Words to find"
            />
            <button type="submit" className="primary" disabled={busy || !text.trim()}>
              Search
            </button>
          </span>
        </label>
        <SearchFiltersFields filters={filters} onChange={set} />
      </form>
      <Alert message={error} />
      {state.searched && state.hits.length === 0 && !busy && (
        <p className="muted" role="status">
          No message matches “{state.query}”.
        </p>
      )}
      <SearchResults hits={state.hits} busy={busy} onOpen={props.onOpen} />
      {state.hasMore && (
        <button type="button" disabled={busy} onClick={() => void more()}>
          More results
        </button>
      )}
    </Panel>
  );
}

function SearchFiltersFields(props: {
  filters: SearchFilters;
  onChange: (change: Partial<SearchFilters>) => void;
}) {
  const { filters, onChange } = props;
  const client = useChatClient();
  const me = useCurrentUser();
  const rooms = useRooms().rooms ?? [];
  // The author list is the chosen room's members; without a room, "me" or anyone.
  const [members, setMembers] = useState<Member[]>([]);
  useEffect(() => {
    if (!filters.roomId) return setMembers([]);
    let live = true;
    client.api.room.members
      .query({ roomId: filters.roomId })
      .then((list) => live && setMembers(list))
      .catch(() => live && setMembers([]));
    return () => {
      live = false;
    };
  }, [client, filters.roomId]);
  const others = members.filter((m) => m.userId !== me.id);

  return (
    <fieldset className="message-search-filters">
      <legend className="visually-hidden">Filters</legend>
      <label className="field">
        <span>Room</span>
        <select
          value={filters.roomId}
          onChange={(e) => onChange({ roomId: e.target.value, authorId: '' })}
        >
          <option value="">All my rooms</option>
          {rooms.map((s) => (
            <option key={s.room.id} value={s.room.id}>
              {roomTitle(s)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>From</span>
        <select value={filters.authorId} onChange={(e) => onChange({ authorId: e.target.value })}>
          <option value="">Anyone</option>
          <option value={me.id}>Me</option>
          {others.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.displayName}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>After</span>
        <input
          type="date"
          value={filters.fromDay}
          max={filters.toDay || undefined}
          onChange={(e) => onChange({ fromDay: e.target.value })}
        />
      </label>
      <label className="field">
        <span>Before</span>
        <input
          type="date"
          value={filters.toDay}
          min={filters.fromDay || undefined}
          onChange={(e) => onChange({ toDay: e.target.value })}
        />
      </label>
    </fieldset>
  );
}

function SearchResults(props: {
  hits: SearchHit[];
  busy: boolean;
  onOpen: (roomId: string, messageId: string) => void;
}) {
  const client = useChatClient();
  const me = useCurrentUser();
  const rooms = useRooms().rooms;
  const authorName = useMemo(() => createAuthorNames(client), [client]);
  const titleOf = (hit: SearchHit) => {
    const summary = rooms?.find((s) => s.room.id === hit.room.id);
    if (summary) return roomTitle(summary);
    return hit.room.kind === 'direct' ? 'Direct message' : hit.room.name;
  };
  if (props.hits.length === 0) return null;
  return (
    <ol className="search-results" aria-busy={props.busy} aria-label="Search results">
      {props.hits.map((hit) => (
        <li key={hit.message.id}>
          <button
            type="button"
            className="search-result"
            onClick={() => props.onOpen(hit.room.id, hit.message.id)}
          >
            <span className="search-result-meta">
              <span className="room-name">
                <bdi>{titleOf(hit)}</bdi>
              </span>
              <span className="muted">
                {hit.message.authorId === me.id ? (
                  'You'
                ) : (
                  <AuthorName
                    resolve={authorName}
                    roomId={hit.room.id}
                    userId={hit.message.authorId}
                  />
                )}
                {' · '}
                <time dateTime={new Date(hit.message.createdAt).toISOString()}>
                  {formatDay(hit.message.createdAt)} {formatTime(hit.message.createdAt)}
                </time>
              </span>
            </span>
            <span className="search-result-body" dir="auto">
              <Highlighted segments={snippet(hit.segments)} />
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}

/** The server's segments as text, the matching ones in <mark>: no HTML comes from the server. */
function Highlighted(props: { segments: readonly SearchSegment[] }) {
  return (
    <>
      {props.segments.map((s, i) =>
        // Segments never move or change: their position is their identity.
        s.match ? <mark key={i}>{s.text}</mark> : <Fragment key={i}>{s.text}</Fragment>,
      )}
    </>
  );
}
