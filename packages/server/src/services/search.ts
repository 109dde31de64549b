import { ERROR_CODES, type SearchPage } from '@confab/contracts';
import { AppError } from '../errors.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import { keyedSlots } from './keyed-slots.js';
import type { Rooms } from './rooms.js';
import { highlight, searchTerms } from './search-terms.js';

/** Searches running at once in this process; past either cap a search is refused. */
export interface SearchConcurrency {
  /** In all. @default 4 */
  concurrent: number;
  /** Of one user. @default 2 */
  concurrentPerUser: number;
}

export const DEFAULT_SEARCH_CONCURRENCY: SearchConcurrency = {
  concurrent: 4,
  concurrentPerUser: 2,
};

const busy = (message: string) =>
  new AppError(ERROR_CODES.RATE_LIMITED, message, { retryAfterMs: 1_000 });

/**
 * Full-text search over the messages of the caller's rooms. Each call's cost is bounded by the
 * store (SearchBounds); how many run at once is bounded here, so that searches never hold more
 * than a few of the database's connections (or, on SQLite, of the event loop's turns) whoever
 * asks, and one user cannot take them all.
 */
export function createSearch(deps: {
  store: Store;
  rooms: Rooms;
  concurrency?: Partial<SearchConcurrency>;
}) {
  const { store, rooms } = deps;
  const caps = { ...DEFAULT_SEARCH_CONCURRENCY, ...deps.concurrency };
  let running = 0;
  const perUser = keyedSlots(caps.concurrentPerUser, () =>
    busy(`At most ${caps.concurrentPerUser} of your searches run at once; wait for one to finish`),
  );

  async function bounded<T>(userId: string, run: () => Promise<T>): Promise<T> {
    const release = perUser.take(userId);
    if (running >= caps.concurrent) {
      release();
      throw busy('Many searches are running; try again in a moment');
    }
    running++;
    try {
      return await run();
    } finally {
      running--;
      release();
    }
  }

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
      const page = await bounded(auth.user.id, () =>
        store.searchMessages(auth.user.id, {
          terms,
          roomId: input.roomId,
          authorId: input.authorId,
          from: input.from,
          to: input.to,
          beforeId: input.before,
          limit: input.limit,
        }),
      );
      if ('tooBroad' in page) {
        const how =
          page.tooBroad === 'entries'
            ? `would look through more than ${page.bound} messages`
            : `took longer than ${page.bound} ms`;
        throw new AppError(
          ERROR_CODES.SEARCH_TOO_BROAD,
          `This search ${how}; add a word to narrow it`,
        );
      }
      return {
        hits: page.hits.map((hit) => ({ ...hit, segments: highlight(hit.message.body, terms) })),
        hasMore: page.hasMore,
      };
    },
  };
}
export type Search = ReturnType<typeof createSearch>;
