import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL into the database (a no-op when nothing is new). */
export const CHECKPOINT_INTERVAL_MS = 250;

/**
 * The pages the main connection lets the WAL reach before it checkpoints itself, on its own
 * thread: the safety net for a checkpointer that stopped or falls behind (SQLite's default is
 * 1,000 pages, which the background checkpoints keep the WAL well under).
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Runs in the worker: its own connection to the file, a PASSIVE checkpoint every interval.
 * PASSIVE never waits for (nor blocks) the main connection's readers and writer; it copies the
 * frames no reader still needs and lets the writer restart the WAL once all are copied.
 * CommonJS, as `eval` workers are; the driver's path comes from the main thread, which
 * resolved it.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
let failing = false;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failing = false;
  } catch (error) {
    // Said once per run of failures, not four times a second.
    if (!failing) parentPort.postMessage({ error: String(error && error.message ? error.message : error) });
    failing = true;
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the checkpoints and closes the worker's connection; the main one checkpoints last. */
  stop(): void;
}

/**
 * Moves WAL checkpoints off the event loop. A checkpoint copies the WAL into the database and
 * syncs both files (with `synchronous = NORMAL`, commits themselves do not sync); SQLite runs it
 * inside the commit that crosses its page threshold, so one group commit in a few stalled every
 * send and stream of the process for the length of two fsyncs. Durability is unchanged: a
 * commit is in the WAL either way, and a checkpoint syncs before it copies.
 *
 * `onError` hears a failed checkpoint (once until one succeeds; each interval tries again) or,
 * with `stopped`, a worker
 * that ended (its connection could not open, say): the caller's own connection then has to
 * checkpoint as before.
 */
export function startCheckpointer(
  path: string,
  onError: (message: string, stopped: boolean) => void,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, driver, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  // A checkpointer never keeps the process alive.
  worker.unref();
  worker.on('message', (message: { error?: string }) => {
    if (message.error) onError(message.error, false);
  });
  worker.on('error', (error) => onError(error.message, true));
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage('stop');
    },
  };
}

/** How often the WAL's size is looked at until the checkpointer starts. */
export const WATCH_INTERVAL_MS = 1_000;

/** The frames after which a commit checkpoints (SQLite's default `wal_autocheckpoint`). */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

export interface CheckpointWatch extends Checkpointer {
  /** One look at the WAL (the timer's step): true once the checkpointer runs. */
  check(): Promise<boolean>;
}

/**
 * Starts the checkpointer only once the database is busy: when the WAL first holds as many
 * frames as make a commit checkpoint by itself. A worker thread is a second Node environment
 * (about 10 MiB of RSS): an idle server, or one that writes little, keeps SQLite's own
 * checkpoints, which cost it nothing noticeable. From then on, `database` checkpoints only past
 * FALLBACK_AUTOCHECKPOINT_PAGES, and again past SQLite's default if the worker ends.
 */
export function checkpointWhenBusy(
  database: {
    pragma(source: string, options?: { simple: boolean }): unknown;
    readonly open: boolean;
  },
  path: string,
  warn: (message: string, stopped: boolean) => void,
): CheckpointWatch {
  const pageSize = Number(database.pragma('page_size', { simple: true }));
  // A frame is a page and its 24-byte header; the file starts with a 32-byte header.
  const threshold = 32 + DEFAULT_AUTOCHECKPOINT_PAGES * (pageSize + 24);
  let checkpointer: Checkpointer | undefined;
  let stopped = false;
  const start = () => {
    database.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(path, (message, ended) => {
      warn(message, ended);
      if (!ended) return;
      try {
        if (database.open) database.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
      } catch {
        // Closed meanwhile: nothing left to checkpoint for.
      }
    });
  };
  async function check(): Promise<boolean> {
    if (checkpointer) return true;
    // No WAL yet (nothing written since it was last removed): not busy.
    const size = await stat(`${path}-wal`).then(
      (s) => s.size,
      () => 0,
    );
    if (stopped || checkpointer || size < threshold) return checkpointer !== undefined;
    clearInterval(timer);
    start();
    return true;
  }
  const timer = setInterval(() => void check(), WATCH_INTERVAL_MS);
  timer.unref();
  return {
    check,
    stop() {
      stopped = true;
      clearInterval(timer);
      checkpointer?.stop();
    },
  };
}
