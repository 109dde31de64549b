import type { RoomKind, SearchPage } from '@confab/contracts';
import {
  type CompiledQuery,
  type Kysely,
  type RawBuilder,
  type Selectable,
  type SqlBool,
  sql,
} from 'kysely';
import type { MessageSearch, SearchStore, SearchTooBroad } from '../../ports/search-store.js';
import type { Store } from '../../ports/store.js';
import { fts5Query, pgTsQuery } from '../../services/search-terms.js';
import { toMessage } from './rows.js';
import type { Database } from './schema.js';
import { pgSearchDocument } from './search-document.js';
import type { SearchReader } from './sqlite-search-reader.js';

/**
 * How much one search call may cost. Both engines' indexes find every message that holds the
 * words, in every room: a word in most messages would otherwise cost a call in proportion to
 * the whole database, and a user could spend it twice a second (docs/delivery.md, "Search").
 */
export interface SearchBounds {
  /**
   * SQLite: index entries (messages holding the words, in any room) one call reads, newest
   * first. Past it the call answers with the hits it found (`hasMore`), or SearchTooBroad when
   * it found none. @default 50000
   */
  scanMax: number;
  /**
   * SQLite: entries joined per query (at least a tenth of `scanMax`); between two, other
   * searches (and, on the main connection, the event loop) run. @default 2000
   */
  scanStep: number;
  /**
   * PostgreSQL: the search statement's timeout, in ms (its index cannot be read newest first,
   * so the bound is time); past it, SearchTooBroad. @default 2000
   */
  timeoutMs: number;
}

export const DEFAULT_SEARCH_BOUNDS: SearchBounds = {
  scanMax: 50_000,
  scanStep: 2_000,
  timeoutMs: 2_000,
};

type HitRow = Selectable<Database['messages']> & { room_name: string; room_kind: string };

/** PostgreSQL's SQLSTATE for a statement cancelled by its statement_timeout. */
const QUERY_CANCELED = '57014';

/**
 * Search through each engine's own full-text index (migration 0010), within `bounds`. On SQLite
 * the queries run on `reader` (a worker thread's connection) when given, else on `db`.
 */
export function searchStore(
  db: Kysely<Database>,
  dialect: Store['dialect'],
  bounds: SearchBounds = DEFAULT_SEARCH_BOUNDS,
  reader?: SearchReader,
): SearchStore {
  const read = reader
    ? <Row>(query: CompiledQuery<Row>) => reader.all(query)
    : async <Row>(query: CompiledQuery<Row>) => (await db.executeQuery(query)).rows;

  /**
   * The caller's hits among the messages `among` names: only the rooms the user is in now (a
   * room they left, or were removed from, is no longer searched), never deleted messages.
   */
  function hits(
    q: Kysely<Database>,
    userId: string,
    search: MessageSearch,
    among: RawBuilder<SqlBool>,
  ) {
    let query = q
      .selectFrom('messages as x')
      .innerJoin('members as mb', (join) =>
        join.onRef('mb.room_id', '=', 'x.room_id').on('mb.user_id', '=', userId),
      )
      .innerJoin('rooms as r', 'r.id', 'x.room_id')
      .selectAll('x')
      .select(['r.name as room_name', 'r.kind as room_kind'])
      .where(among)
      .where('x.deleted_at', 'is', null);
    if (search.roomId !== undefined) query = query.where('x.room_id', '=', search.roomId);
    if (search.authorId !== undefined) query = query.where('x.author_id', '=', search.authorId);
    if (search.from !== undefined) query = query.where('x.created_at', '>=', search.from);
    if (search.to !== undefined) query = query.where('x.created_at', '<=', search.to);
    return query;
  }

  /**
   * SQLite: the entries holding the words, newest first (rowids follow storage order, which is
   * id order but among ids of the same millisecond), at most `scanMax` of them, from one read
   * of the index; then the caller's hits among them, `scanStep` entries at a time, until the
   * page is full. Reading the entries costs FTS5 ~0.1 µs for each one holding the words, in any room
   * (it merges their lists once per query); the rest is bounded by `scanMax`. With a reader,
   * none of it runs on the event loop.
   */
  async function searchSqlite(
    userId: string,
    search: MessageSearch,
  ): Promise<SearchPage | SearchTooBroad> {
    const match = fts5Query(search.terms);
    // The page starts below `before`'s own place in storage order. Ids made in the same
    // millisecond sort at random, so the message just before it by id may be stored well below
    // it: starting there skipped the hits stored between. Should `before` be gone (deleted since),
    // the newest message older than it by id stands in for it.
    let below = sql``;
    const before = search.beforeId;
    if (before !== undefined) {
      const rowidOf = (where: 'at' | 'older') =>
        read(
          db
            .selectFrom('messages')
            .select(sql<number>`rowid`.as('rowid'))
            .where('id', where === 'at' ? '=' : '<', before)
            .orderBy('id', 'desc')
            .limit(1)
            .compile(),
        );
      const [at] = await rowidOf('at');
      if (at) below = sql`and rowid < ${at.rowid}`;
      else {
        const [older] = await rowidOf('older');
        if (!older) return { hits: [], hasMore: false };
        below = sql`and rowid <= ${older.rowid}`;
      }
    }
    // One more than the bound: whether entries are left past it. As one JSON array, which
    // each step below reads its part of: 20,000 rows as objects took the event loop ~15 ms to
    // receive from the worker, a string of them nothing.
    const [entries] = await read(
      sql<{ ids: string; count: number }>`select json_group_array(rowid order by rowid desc) as ids,
          count(*) as count
        from (select rowid from messages_fts where messages_fts match ${match} ${below}
          order by rowid desc limit ${bounds.scanMax + 1})`.compile(db),
    );
    const count = entries?.count ?? 0;
    const ids = entries?.ids ?? '[]';
    const found: HitRow[] = [];
    // At most ten steps: each one sends the list to the worker again.
    const stepSize = Math.max(bounds.scanStep, Math.ceil(bounds.scanMax / 10));
    for (let at = 0; at < Math.min(count, bounds.scanMax); at += stepSize) {
      // Each step costs a few milliseconds at most: let the rest run between.
      if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const step = Math.min(stepSize, bounds.scanMax - at);
      const among = sql<SqlBool>`x.rowid in (select value from json_each(${ids}) limit ${step} offset ${at})`;
      const rows = await read(
        hits(db, userId, search, among)
          .orderBy(sql`x.rowid`, 'desc')
          .limit(search.limit + 1 - found.length)
          .compile(),
      );
      found.push(...rows);
      if (found.length > search.limit) return pageOf(found.slice(0, search.limit), true);
    }
    if (count <= bounds.scanMax) return pageOf(found, false);
    // Older entries are left: the caller asks again below its last hit.
    if (found.length > 0) return pageOf(found, true);
    return { tooBroad: 'entries', bound: bounds.scanMax };
  }

  /** PostgreSQL: the GIN index yields every match at once; the statement has a time limit. */
  async function searchPostgres(
    userId: string,
    search: MessageSearch,
  ): Promise<SearchPage | SearchTooBroad> {
    // The query text is a bound parameter, built only from words (search-terms.ts).
    const matches = sql<SqlBool>`${sql.raw(pgSearchDocument('s.body'))} @@ to_tsquery('simple', ${pgTsQuery(search.terms)})`;
    try {
      return await db.transaction().execute(async (trx) => {
        await sql`set local statement_timeout = ${sql.lit(Math.max(1, Math.round(bounds.timeoutMs)))}`.execute(
          trx,
        );
        // The matching ids come from the index first, then are ordered. Left to itself
        // PostgreSQL guessed 2% of all rows match a prefix (it has no statistics for one),
        // walked the primary key newest first and computed every message's tsvector until it
        // had a page: seconds for a word in no message of 200,000. `offset 0` keeps the
        // subquery a step of its own, so the cost follows the number of matches.
        const ids = trx.selectFrom('messages as s').select('s.id').where(matches).offset(0).as('h');
        let query = hits(trx, userId, search, sql<SqlBool>`x.id in (select h.id from ${ids})`);
        if (search.beforeId !== undefined) query = query.where('x.id', '<', search.beforeId);
        const rows = await query
          .orderBy('x.id', 'desc')
          .limit(search.limit + 1)
          .execute();
        return pageOf(rows.slice(0, search.limit), rows.length > search.limit);
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === QUERY_CANCELED)
        return { tooBroad: 'ms', bound: bounds.timeoutMs };
      throw error;
    }
  }

  return {
    async searchMessages(userId, search) {
      if (search.terms.length === 0) return { hits: [], hasMore: false };
      return dialect === 'postgres' ? searchPostgres(userId, search) : searchSqlite(userId, search);
    },
  };
}

function pageOf(rows: readonly HitRow[], hasMore: boolean): SearchPage {
  return {
    hits: rows.map(({ room_name, room_kind, ...row }) => ({
      room: { id: row.room_id, name: room_name, kind: room_kind as RoomKind },
      message: toMessage(row),
      segments: [],
    })),
    hasMore,
  };
}
