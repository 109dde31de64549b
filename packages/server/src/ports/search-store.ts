import type { SearchPage } from '@confab/contracts';

/** What a search looks for; `terms` as services/search-terms.ts cuts the query. */
export interface MessageSearch {
  /** Lower-case words, all required; the last one also matches as a prefix. */
  terms: readonly string[];
  roomId?: string | undefined;
  authorId?: string | undefined;
  /** Sent at or after / at or before (epoch ms). */
  from?: number | undefined;
  to?: number | undefined;
  /** Only hits older than this message (the last hit of the previous page). */
  beforeId?: string | undefined;
  limit: number;
}

/**
 * A search the store would not finish within its bounds (adapters/kysely/search.ts), with no
 * hit found: SQLite would read more than `bound` index entries, PostgreSQL's statement ran past
 * `bound` ms.
 */
export interface SearchTooBroad {
  tooBroad: 'entries' | 'ms';
  bound: number;
}

/** Full-text search over message bodies (SQLite FTS5, PostgreSQL tsvector). */
export interface SearchStore {
  /**
   * Messages that contain every term, newest first (by id: ids are time-ordered), in the rooms
   * the user is a member of now, never deleted ones; `segments` are left empty for the caller.
   * Edits are searched by their current text only.
   */
  searchMessages(userId: string, search: MessageSearch): Promise<SearchPage | SearchTooBroad>;
}
