import { describe, expect, it } from 'vitest';
import { fts5Query, highlight, pgTsQuery, searchTerms } from './search-terms.js';

describe('search terms', () => {
  it('keeps only words, lower-cased, in order: punctuation never reaches a query', () => {
    expect(searchTerms('  "Hello" (World) -x* NEAR/2 a:b ')).toEqual([
      'hello',
      'world',
      'x',
      'near',
      '2',
      'a',
      'b',
    ]);
    expect(searchTerms(`'; DROP TABLE messages; --`)).toEqual(['drop', 'table', 'messages']);
    expect(searchTerms('ÉCOLE 日本語')).toEqual(['école', '日本語']);
    expect(searchTerms('*"():')).toEqual([]);
  });

  it('builds each engine’s query: every word quoted and required, the last a prefix', () => {
    expect(fts5Query(['near', 'and', 'or'])).toBe('"near" "and" "or"*');
    expect(pgTsQuery(['near', 'and', 'or'])).toBe("'near' & 'and' & 'or':*");
    expect(fts5Query(['one'])).toBe('"one"*');
  });

  it('marks whole words and the last word as a prefix; the segments join back to the body', () => {
    const body = 'Deploy: the deployment (deployed) redeploy; DEPLOY!';
    const segments = highlight(body, ['deploy']);
    expect(segments).toEqual([
      { text: 'Deploy', match: true },
      { text: ': the ', match: false },
      { text: 'deployment', match: true },
      { text: ' (', match: false },
      { text: 'deployed', match: true },
      { text: ') redeploy; ', match: false },
      { text: 'DEPLOY', match: true },
      { text: '!', match: false },
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(body);
    // Only the last word is a prefix.
    expect(highlight('notes notebook', ['note', 'x'])).toEqual([
      { text: 'notes notebook', match: false },
    ]);
    expect(highlight('', ['x'])).toEqual([]);
  });
});
