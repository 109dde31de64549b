/**
 * What each key (a user) holds at once, up to `max`: a user's live streams, their running
 * searches. `take` throws `refuse()` when the key already holds `max`, else returns the
 * release, which may be called any number of times.
 */
export function keyedSlots(max: number, refuse: () => Error) {
  const held = new Map<string, number>();
  return {
    take(key: string): () => void {
      const count = held.get(key) ?? 0;
      if (count >= max) throw refuse();
      held.set(key, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (held.get(key) ?? 1) - 1;
        if (left <= 0) held.delete(key);
        else held.set(key, left);
      };
    },
    count: (key: string): number => held.get(key) ?? 0,
  };
}
