import type { SearchSegment } from '@confab/contracts';

/**
 * A word, as both engines' indexes cut text: a run of letters and digits. Everything else
 * (quotes, `*`, `-`, `:`, parentheses, operators) separates words, so no character of a query
 * ever reaches the engines' query syntax: each is handed only words it cannot misread.
 */
const WORD = /[\p{L}\p{N}]+/gu;

/** The query's words, lower-cased, in order. The last one also matches as a prefix. */
export function searchTerms(query: string): string[] {
  return Array.from(query.matchAll(WORD), (m) => m[0].toLowerCase());
}

/**
 * An FTS5 MATCH expression: every word as a quoted string (so AND, OR, NOT and NEAR are words,
 * not operators), all required, the last one a prefix.
 */
export function fts5Query(terms: readonly string[]): string {
  return terms.map((t, i) => `"${t}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

/** A to_tsquery expression of the same meaning: every word required, the last one a prefix. */
export function pgTsQuery(terms: readonly string[]): string {
  return terms.map((t, i) => `'${t}'${i === terms.length - 1 ? ':*' : ''}`).join(' & ');
}

/**
 * The body cut into segments, the words the query found marked: a word matches when it equals a
 * query word (case aside), or starts with the last one. Joined, the segments are the body.
 */
export function highlight(body: string, terms: readonly string[]): SearchSegment[] {
  const segments: SearchSegment[] = [];
  const last = terms[terms.length - 1];
  const whole = new Set(terms);
  let plainFrom = 0;
  for (const m of body.matchAll(WORD)) {
    const word = m[0].toLowerCase();
    if (!whole.has(word) && !(last !== undefined && word.startsWith(last))) continue;
    if (m.index > plainFrom) segments.push({ text: body.slice(plainFrom, m.index), match: false });
    segments.push({ text: m[0], match: true });
    plainFrom = m.index + m[0].length;
  }
  if (plainFrom < body.length) segments.push({ text: body.slice(plainFrom), match: false });
  return segments;
}
