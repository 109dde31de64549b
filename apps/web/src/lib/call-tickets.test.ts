import { describe, expect, it } from 'vitest';
import { callTickets } from './call-tickets';

describe('callTickets', () => {
  it('keeps only the latest call: an earlier answer arriving last is stale', () => {
    const tickets = callTickets();
    const first = tickets.begin();
    const second = tickets.begin();
    // The second call answers first, then the first: only the second is used.
    expect(tickets.isLatest(second)).toBe(true);
    expect(tickets.isLatest(first)).toBe(false);
  });

  it('lets a call that continues the latest one (the next page) share its ticket', () => {
    const tickets = callTickets();
    const search = tickets.begin();
    const nextPage = tickets.current();
    expect(nextPage).toBe(search);
    expect(tickets.isLatest(nextPage)).toBe(true);
    // A new search began before the next page answered: that page belongs to the old results.
    tickets.begin();
    expect(tickets.isLatest(nextPage)).toBe(false);
  });
});
