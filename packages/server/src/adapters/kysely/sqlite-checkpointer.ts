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
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message ? error.message : error) });
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
 * send and stream of the process for the length of two fsyncs. On this thread's connection
 * the threshold is raised to FALLBACK_AUTOCHECKPOINT_PAGES instead. Durability is unchanged: a
 * commit is in the WAL either way, and a checkpoint syncs before it copies.
 *
 * `onError` hears a failed checkpoint (the next one tries again) or, with `stopped`, a worker
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
