import type { SearchHit, SearchInput } from '@confab/contracts';
import { useChatClient } from '@confab/react';
import { useCallback, useEffect, useState } from 'react';
import { callTickets } from '../lib/call-tickets';
import { useAction } from '../lib/use-action';

/** The filters as the form holds them; '' is "any". Dates are the inputs' YYYY-MM-DD. */
export interface SearchFilters {
  roomId: string;
  authorId: string;
  fromDay: string;
  toDay: string;
}

export interface SearchState {
  query: string;
  filters: SearchFilters;
  hits: SearchHit[];
  hasMore: boolean;
  /** Whether `hits` answer `query` (false before the first search). */
  searched: boolean;
}

const EMPTY: SearchState = {
  query: '',
  filters: { roomId: '', authorId: '', fromDay: '', toDay: '' },
  hits: [],
  hasMore: false,
  searched: false,
};

/**
 * The last search, kept while the app runs: opening a result leaves the panel, and Back (or
 * Ctrl+K) should find the results where they were.
 */
let remembered: SearchState = EMPTY;

/** Local midnight of a YYYY-MM-DD day, plus `days`. */
function dayStart(day: string, days = 0): number | undefined {
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(y, m - 1, d + days).getTime();
}

function inputOf(query: string, filters: SearchFilters): SearchInput {
  const from = dayStart(filters.fromDay);
  const toNext = dayStart(filters.toDay, 1);
  return {
    query,
    ...(filters.roomId ? { roomId: filters.roomId } : {}),
    ...(filters.authorId ? { authorId: filters.authorId } : {}),
    ...(from !== undefined ? { from } : {}),
    // The whole of the last day: up to the millisecond before the next one starts.
    ...(toNext !== undefined ? { to: toNext - 1 } : {}),
  };
}

/**
 * message.search with its paging. A filter changed while a search runs starts another; only
 * the latest search's answer (and its next pages) is shown, whatever order the answers come in.
 */
export function useMessageSearch() {
  const client = useChatClient();
  const [state, setState] = useState<SearchState>(remembered);
  const [tickets] = useState(callTickets);
  const action = useAction();
  useEffect(() => {
    remembered = state;
  }, [state]);

  const search = useCallback(
    (query: string, filters: SearchFilters) => {
      const ticket = tickets.begin();
      return action.run(async () => {
        const page = await tickets.latest(
          ticket,
          client.api.message.search.query(inputOf(query, filters)),
        );
        if (page)
          setState({ query, filters, hits: page.hits, hasMore: page.hasMore, searched: true });
      });
    },
    [action.run, client, tickets],
  );

  const more = useCallback(() => {
    const ticket = tickets.current();
    return action.run(async () => {
      const last = state.hits[state.hits.length - 1];
      if (!last) return;
      const page = await tickets.latest(
        ticket,
        client.api.message.search.query({
          ...inputOf(state.query, state.filters),
          before: last.message.id,
        }),
      );
      if (page) setState((s) => ({ ...s, hits: [...s.hits, ...page.hits], hasMore: page.hasMore }));
    });
  }, [action.run, client, state, tickets]);

  return { state, search, more, busy: action.busy, error: action.error };
}
