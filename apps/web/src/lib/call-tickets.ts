/**
 * Numbers the calls of one action so that only the latest call's answer is used. A form that
 * calls the server again when its input changes (a search whose filters change) can get the
 * answers back in another order than it asked: an earlier answer arriving last would show
 * results for input that is no longer on screen. `begin()` before a call gives its ticket;
 * `isLatest(ticket)` when it answers says whether a later call began meanwhile.
 */
export function callTickets() {
  let last = 0;
  return {
    begin: (): number => {
      last += 1;
      return last;
    },
    /** The current ticket: a call that continues the latest one (the next page) takes it. */
    current: (): number => last,
    isLatest: (ticket: number): boolean => ticket === last,
  };
}
