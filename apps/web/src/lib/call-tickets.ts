/**
 * Numbers the calls of one action so that only the latest call's answer is used. A form that
 * calls the server again when its input changes (a search whose filters change) can get the
 * answers back in another order than it asked: an earlier answer arriving last would show
 * results for input that is no longer on screen. `begin()` before a call gives its ticket;
 * `latest(ticket, call)` gives the call's answer, or undefined when a later call began
 * meanwhile (its failure too: only the latest call's error is the form's).
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
    async latest<T>(ticket: number, call: Promise<T>): Promise<T | undefined> {
      try {
        const answer = await call;
        return ticket === last ? answer : undefined;
      } catch (error) {
        if (ticket === last) throw error;
        return undefined;
      }
    },
  };
}
