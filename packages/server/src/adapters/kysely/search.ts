import type { RoomKind } from '@confab/contracts';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { SearchStore } from '../../ports/search-store.js';
import type { Store } from '../../ports/store.js';
import { fts5Query, pgTsQuery } from '../../services/search-terms.js';
import { toMessage } from './rows.js';
import type { Database } from './schema.js';
import { pgSearchDocument } from './search-document.js';

/** Search through each engine's own full-text index (migration 0010). */
export function searchStore(db: Kysely<Database>, dialect: Store['dialect']): SearchStore {
  return {
    async searchMessages(userId, search) {
      const { terms } = search;
      if (terms.length === 0) return { hits: [], hasMore: false };
      // The query text is a bound parameter, built only from words (search-terms.ts).
      const matches =
        dialect === 'postgres'
          ? sql<SqlBool>`${sql.raw(pgSearchDocument('s.body'))} @@ to_tsquery('simple', ${pgTsQuery(terms)})`
          : sql<SqlBool>`s.rowid in (select rowid from messages_fts where messages_fts match ${fts5Query(terms)})`;
      // The matching ids come from the index first, then are ordered. Left to itself PostgreSQL
      // guessed 2% of all rows match a prefix (it has no statistics for one), walked the primary
      // key newest first and computed every message's tsvector until it had a page: seconds for
      // a word in no message of 200,000. `offset 0` keeps the subquery a step of its own, so the
      // cost follows the number of matches, not of messages.
      const hits = db
        .selectFrom('messages as s')
        .select('s.id')
        .where(matches)
        // SQLite takes OFFSET only after a LIMIT; its planner reads the FTS index first anyway.
        .$if(dialect === 'postgres', (sub) => sub.offset(0))
        .as('h');
      // The members join keeps only the rooms the user is in now: a room they left, or were
      // removed from, is no longer searched.
      let q = db
        .selectFrom('messages as x')
        .innerJoin(hits, 'h.id', 'x.id')
        .innerJoin('members as mb', (join) =>
          join.onRef('mb.room_id', '=', 'x.room_id').on('mb.user_id', '=', userId),
        )
        .innerJoin('rooms as r', 'r.id', 'x.room_id')
        .selectAll('x')
        .select(['r.name as room_name', 'r.kind as room_kind'])
        .where('x.deleted_at', 'is', null);
      if (search.roomId !== undefined) q = q.where('x.room_id', '=', search.roomId);
      if (search.authorId !== undefined) q = q.where('x.author_id', '=', search.authorId);
      if (search.from !== undefined) q = q.where('x.created_at', '>=', search.from);
      if (search.to !== undefined) q = q.where('x.created_at', '<=', search.to);
      if (search.beforeId !== undefined) q = q.where('x.id', '<', search.beforeId);
      const rows = await q
        .orderBy('x.id', 'desc')
        .limit(search.limit + 1)
        .execute();
      return {
        hits: rows.slice(0, search.limit).map(({ room_name, room_kind, ...row }) => ({
          room: { id: row.room_id, name: room_name, kind: room_kind as RoomKind },
          message: toMessage(row),
          segments: [],
        })),
        hasMore: rows.length > search.limit,
      };
    },
  };
}
