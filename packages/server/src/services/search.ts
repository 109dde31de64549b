import type { SearchPage } from '@confab/contracts';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import type { Rooms } from './rooms.js';
import { highlight, searchTerms } from './search-terms.js';

/** Full-text search over the messages of the caller's rooms. */
export function createSearch(deps: { store: Store; rooms: Rooms }) {
  const { store, rooms } = deps;

  return {
    async messages(
      auth: Authenticated,
      input: {
        query: string;
        roomId?: string | undefined;
        authorId?: string | undefined;
        from?: number | undefined;
        to?: number | undefined;
        limit: number;
        before?: string | undefined;
      },
    ): Promise<SearchPage> {
      // A room filter is refused as every room call is (ROOM_NOT_FOUND for a private room the
      // caller is not in); without one, the store searches only the caller's rooms.
      if (input.roomId !== undefined) await rooms.requireMember(auth, input.roomId);
      const terms = searchTerms(input.query);
      // A query of punctuation alone ("***", "()") has no word to look for: nothing matches.
      if (terms.length === 0) return { hits: [], hasMore: false };
      const page = await store.searchMessages(auth.user.id, {
        terms,
        roomId: input.roomId,
        authorId: input.authorId,
        from: input.from,
        to: input.to,
        beforeId: input.before,
        limit: input.limit,
      });
      return {
        hits: page.hits.map((hit) => ({ ...hit, segments: highlight(hit.message.body, terms) })),
        hasMore: page.hasMore,
      };
    },
  };
}
export type Search = ReturnType<typeof createSearch>;
