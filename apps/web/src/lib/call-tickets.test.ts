import { describe, expect, it } from 'vitest';
import { callTickets } from './call-tickets';

describe('callTickets', () => {
  it('keeps only the latest call: an earlier answer arriving last is dropped', async () => {
    const tickets = callTickets();
    let answerFirst: (value: string) => void = () => {};
    const first = tickets.latest(
      tickets.begin(),
      new Promise<string>((resolve) => {
        answerFirst = resolve;
      }),
    );
    const second = tickets.latest(tickets.begin(), Promise.resolve('second'));
    expect(await second).toBe('second');
    answerFirst('first');
    expect(await first).toBeUndefined();
  });

  it("drops a superseded call's failure, and passes on the latest call's", async () => {
    const tickets = callTickets();
    const stale = tickets.begin();
    const latest = tickets.begin();
    await expect(tickets.latest(stale, Promise.reject(new Error('old')))).resolves.toBeUndefined();
    await expect(tickets.latest(latest, Promise.reject(new Error('now')))).rejects.toThrow('now');
  });

  it('lets a call that continues the latest one (the next page) share its ticket', async () => {
    const tickets = callTickets();
    const search = tickets.begin();
    const nextPage = tickets.current();
    expect(nextPage).toBe(search);
    expect(await tickets.latest(nextPage, Promise.resolve('page 2'))).toBe('page 2');
    // A new search began before the next page answered: that page belongs to the old results.
    let answerPage: (value: string) => void = () => {};
    const late = tickets.latest(
      tickets.current(),
      new Promise<string>((resolve) => {
        answerPage = resolve;
      }),
    );
    tickets.begin();
    answerPage('page 2 of the old search');
    expect(await late).toBeUndefined();
  });
});
