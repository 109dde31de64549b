/** A stream whose writes can be held back and sent together (a socket, an HTTP response). */
interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Each stream's mark: the burst it was last written in (`burst`), or held in (`-burst`). A
 * number on the stream rather than a Set of the streams written: a fan-out writes every device
 * once a burst, and a Set's lookups, inserts and growth then cost as much as a tenth of the
 * loop's own work (perf of the bench's 10 msg/s × 1,000 devices).
 */
const MARK = Symbol('confab.writeBurst');
type Marked = Corkable & { [MARK]?: number };

/** The current burst of work; a small integer, wrapped before it could stop being one. */
let burst = 1;
let releaseQueued = false;
/** The streams held back in this burst. */
let held: Corkable[] = [];

function release(): void {
  const streams = held;
  held = [];
  releaseQueued = false;
  // A write made while uncorking (a callback) belongs to the next burst.
  burst = burst === 0x3fff_ffff ? 1 : burst + 1;
  for (const stream of streams) stream.uncork();
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
export function beforeWrite(stream: Marked): void {
  const mark = stream[MARK];
  if (mark === burst) hold(stream);
  else if (mark !== -burst) markWritten(stream);
}

/**
 * Holds every write to `stream` from now until the burst is done, the first one included: for a
 * burst known to write several frames to one stream. A device stream writes tRPC's `started`
 * with its first event (ws-handler.ts), in a burst that usually carries its backfill page,
 * `sync` and presence snapshot too; held from `started` on, they leave in one writev. The
 * memory held is bounded as before: a backfill that fills the device's buffer waits for it to
 * drain, which ends the burst and releases the stream.
 */
export function holdUntilBurstEnds(stream: Marked): void {
  if (stream[MARK] !== -burst) hold(stream);
}

function markWritten(stream: Marked): void {
  stream[MARK] = burst;
  queueRelease();
}

function hold(stream: Marked): void {
  stream[MARK] = -burst;
  stream.cork();
  held.push(stream);
  queueRelease();
}

function queueRelease(): void {
  if (releaseQueued) return;
  releaseQueued = true;
  process.nextTick(release);
}
