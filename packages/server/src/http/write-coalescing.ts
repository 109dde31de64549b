/** A stream whose writes can be held back and sent together (a socket, an HTTP response). */
interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Streams written to in the current burst of work, and those of them now held back. */
const written = new Set<Corkable>();
const held = new Set<Corkable>();

function release(): void {
  for (const stream of held) stream.uncork();
  held.clear();
  written.clear();
}

/**
 * Call before each write of an event to `stream`. The first write in a burst of work goes out at
 * once; from the second on, writes are held until the burst is done (process.nextTick, after the
 * promise jobs that are running) and then sent together. Events published together (a group
 * commit answers several sends at once) thus reach each device in two writes rather than one
 * each: the busier the server, the larger the groups and the fewer the system calls per event,
 * so a server that falls behind catches up, as Socket.IO's buffered writes do. A lone event is
 * written at once, as before.
 */
export function beforeWrite(stream: Corkable): void {
  if (!written.has(stream)) {
    markWritten(stream);
    return;
  }
  hold(stream);
}

/**
 * Holds every write to `stream` from now until the burst is done, the first one included: for a
 * burst known to write several frames to one stream. A device stream writes tRPC's `started`
 * with its first event (ws-handler.ts), in a burst that usually carries its backfill page,
 * `sync` and presence snapshot too; held from `started` on, they leave in one writev. The
 * memory held is bounded as before: a backfill that fills the device's buffer waits for it to
 * drain, which ends the burst and releases the stream.
 */
export function holdUntilBurstEnds(stream: Corkable): void {
  if (!written.has(stream)) markWritten(stream);
  hold(stream);
}

function markWritten(stream: Corkable): void {
  written.add(stream);
  if (written.size === 1) process.nextTick(release);
}

function hold(stream: Corkable): void {
  if (held.has(stream)) return;
  stream.cork();
  held.add(stream);
}
