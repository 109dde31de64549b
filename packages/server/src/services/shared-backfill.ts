import type { Store } from '../ports/store.js';

type EventsPage = Awaited<ReturnType<Store['eventsAfter']>>;

/** One key's reads: the one running, and the one the calls made meanwhile wait for. */
interface Reads {
  running: Promise<EventsPage> | undefined;
  queued: Promise<EventsPage> | undefined;
}

const byStore = new WeakMap<Store, Map<string, Reads>>();

/**
 * `store.eventsAfter`, with identical reads coalesced. After a restart every device of a busy
 * room resumes from the same seq at once: instead of one read of the log per device, the calls
 * made while a read runs wait for one more read, shared by all of them, so a storm costs a few
 * reads, and its devices get the same event objects, which frames.ts encodes once for every
 * connection (issue 18's resume storm: backfilled events encoded once, not per device).
 *
 * Every call gets a read that started after it was made, never one already under way: a read
 * is only as new as its start, and a caller may need events committed just before its call
 * (its subscription went live, or a bus message showed it a gap; see DeviceSession.backfill).
 * Events are never changed once built (the bus hands one object to every device too), so
 * sharing them is safe.
 */
export function sharedEventsAfter(
  store: Store,
  roomId: string,
  afterSeq: number,
  limit: number,
): Promise<EventsPage> {
  let keys = byStore.get(store);
  if (!keys) {
    keys = new Map();
    byStore.set(store, keys);
  }
  const all = keys;
  // Ids are base64url: a space cannot occur in one.
  const key = `${roomId} ${afterSeq} ${limit}`;
  let reads = all.get(key);
  if (!reads) {
    reads = { running: undefined, queued: undefined };
    all.set(key, reads);
  }
  const entry = reads;
  const launch = (): Promise<EventsPage> => {
    const read = store.eventsAfter(roomId, afterSeq, limit);
    entry.running = read;
    const settled = () => {
      if (entry.running === read) entry.running = undefined;
      if (!entry.running && !entry.queued && all.get(key) === entry) all.delete(key);
    };
    read.then(settled, settled);
    return read;
  };
  if (!entry.running) return launch();
  entry.queued ??= entry.running
    .then(
      () => undefined,
      () => undefined,
    )
    .then(() => {
      entry.queued = undefined;
      return launch();
    });
  return entry.queued;
}
