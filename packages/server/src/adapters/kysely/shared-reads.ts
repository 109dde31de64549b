/**
 * Merges identical reads that are asked for before one of them has started: the first caller's
 * read waits for the current turn of the event loop to end (setImmediate), and every caller
 * asking the same meanwhile gets its answer. After a restart every device of a room resumes
 * from about the same seq at about the same moment, and each read the same log page (a query
 * and its rows decoded per device).
 *
 * Each caller still gets a read that began after it asked, as if it had read alone: a device
 * subscribes to the bus first and then reads the log, so an event committed in between is in
 * the read or on the bus. Sharing a read already under way would break that (an event
 * committed after that read began but before the device subscribed would be in neither).
 * Callers get the same answer object and must not change it. At most one waiting read per
 * key, and they start within the turn: nothing accumulates.
 */
export function sharedReads<A extends unknown[], R>(
  read: (...args: A) => Promise<R>,
  keyOf: (...args: A) => string,
): (...args: A) => Promise<R> {
  const waiting = new Map<string, Promise<R>>();
  return (...args) => {
    const key = keyOf(...args);
    let answer = waiting.get(key);
    if (!answer) {
      answer = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        // Started: later callers get a read of their own.
        waiting.delete(key);
        return read(...args);
      });
      waiting.set(key, answer);
    }
    return answer;
  };
}
