/**
 * What PostgreSQL indexes of a message body, as SQL over `column`: the search query must use the
 * same expression, character for character, or the planner does not use the index.
 *
 * 'simple' only lower-cases (no stemming, no stop words: chat is multilingual). Its parser keeps
 * e-mail addresses, URLs, host names, paths and signed numbers as single words, where SQLite's
 * FTS5 splits them at the punctuation, so "alice" would find "alice@example.com" on one engine
 * and not the other: those joiners become spaces first.
 */
export function pgSearchDocument(column: string): string {
  return `to_tsvector('simple', translate(${column}, '@./:-+', '      '))`;
}

/** The index's own expression (migration 0010). */
export const PG_SEARCH_DOCUMENT = pgSearchDocument('body');
