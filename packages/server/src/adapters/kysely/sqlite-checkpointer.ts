import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { Logger } from '../../observability/logger.js';
import { closeWorker } from './worker-close.js';

/**
 * When SQLite copies the write-ahead log back into the database file (a checkpoint), the
 * connection that commits does it, synchronously, every 1,000 pages of log: the copy and two
 * fsyncs stop the event loop. Under a sustained write load that was much of a group commit's
 * time (a reproduction with 100 authors: 122 → 85 µs of the event loop per message without it);
 * at a chat's everyday rate it is a stall of the event loop every ~70 lone sends (7-10 ms here,
 * more on a slower disk), which every message arriving meanwhile waits out. Here a worker thread
 * with its own connection checkpoints instead, PASSIVE (it never blocks a writer nor waits for
 * one), from the moment enough log waits to be copied, whatever the write rate.
 *
 * The main connection keeps a raised `wal_autocheckpoint` meanwhile. SQLite only lets the log
 * start over from its beginning when a transaction begins with every frame copied, which a
 * connection committing back to back rarely sees while another one copies; the main
 * connection's own checkpoint (now rare, and mostly already done by the worker) is that
 * moment, and it bounds the log should the worker fall behind.
 */
export interface CheckpointOptions {
  /**
   * Frames of log not yet copied from which the worker starts (SQLite's own checkpoint copies
   * at 1,000): it then runs only when a checkpoint is due, never for a server that writes
   * nothing, and starts before the main connection's checkpoint would stop the event loop.
   */
  startAtFrames: number;
  /** How often the main thread looks at the log while the worker is not running, ms. */
  sampleMs: number;
  /** How often the worker looks at the log while it runs, ms. */
  tickMs: number;
  /** Frames of log waiting before the worker copies them (SQLite's own checkpoint: 1,000). */
  minFrames: number;
  /** The worker stops after this long without new log frames, ms. */
  idleStopMs: number;
  /** The main connection's `wal_autocheckpoint` while the worker runs (SQLite's 1,000 otherwise). */
  backstopPages: number;
  /** Hears the worker start, stop and copy (tests, and the log lines below). */
  onEvent?: (event: CheckpointEvent) => void;
}

export type CheckpointEvent =
  | { type: 'started'; framesWaiting: number }
  | { type: 'checkpointed'; frames: number }
  | { type: 'stopped'; reason: 'idle' | 'closed' | 'failed' };

export const DEFAULT_CHECKPOINT_OPTIONS: CheckpointOptions = {
  startAtFrames: 500,
  sampleMs: 1000,
  tickMs: 50,
  minFrames: 1000,
  idleStopMs: 60_000,
  backstopPages: 4000,
};

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

// The worker's code, as a script: it needs nothing of the server but the driver, and a
// separate file would have to be found next to whichever bundle (api, bench) loaded this one.
// It copies once `minFrames` frames wait, as SQLite's own checkpoint would (each copy costs two
// fsyncs, so not at every tick). How many wait it reads from the wal-index header, as
// `framesWaiting` below does for the main thread (the script cannot import it).
const WORKER_SCRIPT = `
const { readSync, openSync, closeSync } = require('node:fs');
const { endianness } = require('node:os');
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.path, { fileMustExist: true });
const shm = openSync(workerData.path + '-shm', 'r');
const header = Buffer.alloc(100);
const u32 = endianness() === 'LE' ? (at) => header.readUInt32LE(at) : (at) => header.readUInt32BE(at);
let lastFrame = -1;
let lastWork = Date.now();
const timer = setInterval(() => {
  if (readSync(shm, header, 0, header.length, 0) < header.length) return;
  const frame = u32(16);
  if (frame !== lastFrame) lastWork = Date.now();
  lastFrame = frame;
  // At the backstop it is the main connection's turn: its own checkpoint copies what is left
  // and lets the log start over. Holding the checkpoint lock then would make it fail (quietly)
  // and the log grow on.
  const copied = u32(96);
  if (frame < workerData.backstopPages && frame - copied >= workerData.minFrames) {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpointed', frames: Math.max(0, result.checkpointed - copied) });
  } else if (Date.now() - lastWork > workerData.idleStopMs) stop('idle');
}, workerData.tickMs);
function stop(reason) {
  clearInterval(timer);
  closeSync(shm);
  db.close();
  parentPort.postMessage({ type: 'stopped', reason });
  parentPort.close();
}
parentPort.on('message', (message) => { if (message === 'close') stop('closed'); });
`;

/** The wal-index header and the checkpoint info after it, as far as nBackfill. */
const WAL_INDEX_HEADER_BYTES = 100;
/** The header's integers are in the machine's byte order. */
const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Frames of log not yet copied into the database file, read from the wal-index header at the
 * start of the -shm file (SQLite's documented WAL format: mxFrame, the last frame, at byte 16;
 * nBackfill, the frames copied, at byte 96; in the machine's byte order): no lock, no I/O to the
 * disk. Opened for each read, so no descriptor outlives the database's files. A torn read only
 * moves one decision by a sample.
 */
export function framesWaiting(
  shmPath: string,
  header = Buffer.alloc(WAL_INDEX_HEADER_BYTES),
): number {
  const fd = openSync(shmPath, 'r');
  try {
    if (readSync(fd, header, 0, header.length, 0) < header.length) return 0;
  } finally {
    closeSync(fd);
  }
  const u32 = (at: number) => (LITTLE_ENDIAN ? header.readUInt32LE(at) : header.readUInt32BE(at));
  return Math.max(0, u32(16) - u32(96));
}

export interface Checkpointer {
  /** Stops sampling and ends the worker (its connection closed) if one runs. */
  close(): Promise<void>;
}

/** How long close() waits for the worker to finish its checkpoint before ending it. */
const CLOSE_WAIT_MS = 5000;

export function createCheckpointer(
  database: BetterSqlite3.Database,
  path: string,
  options: CheckpointOptions,
  log: () => Logger,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  let closed = false;

  const header = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  const sampler = setInterval(() => {
    if (worker) return;
    // A timer's throw would end the process: a worker that cannot start costs only speed.
    try {
      const waiting = framesWaiting(`${path}-shm`, header);
      if (waiting >= options.startAtFrames) start(waiting);
    } catch (error) {
      log().warn({ err: error }, 'SQLite log sample or checkpoint worker start failed');
    }
  }, options.sampleMs);
  sampler.unref();

  function start(waiting: number): void {
    const started = new Worker(WORKER_SCRIPT, {
      eval: true,
      workerData: {
        driver,
        path,
        tickMs: options.tickMs,
        minFrames: options.minFrames,
        backstopPages: options.backstopPages,
        idleStopMs: options.idleStopMs,
      },
      // It holds a connection and a timer: a few objects, never more.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    // An embedder that forgets close() can still exit.
    started.unref();
    worker = started;
    database.pragma(`wal_autocheckpoint = ${options.backstopPages}`);
    log().info({ framesWaiting: waiting }, 'SQLite checkpoints moved to a worker thread');
    options.onEvent?.({ type: 'started', framesWaiting: waiting });
    let reason: 'idle' | 'closed' | 'failed' = 'failed';
    started.on('message', (message: CheckpointEvent) => {
      if (message.type === 'stopped') reason = message.reason;
      else options.onEvent?.(message);
    });
    // A failure (the disk, say) costs only speed: the main connection checkpoints again.
    started.on('error', (error) => log().warn({ err: error }, 'SQLite checkpoint worker failed'));
    exited = new Promise((resolve) => {
      started.once('exit', () => {
        if (worker === started) worker = undefined;
        // A throw here would end the process: the main connection may be closed already (its
        // database closed without close(), the worker then ending on its own).
        try {
          if (!closed && database.open)
            database.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
        } catch (error) {
          log().warn({ err: error }, 'SQLite checkpoints could not be handed back');
        }
        log().info({ reason }, 'SQLite checkpoints back on the main connection');
        options.onEvent?.({ type: 'stopped', reason });
        resolve();
      });
    });
  }

  return {
    async close() {
      closed = true;
      clearInterval(sampler);
      if (worker) await closeWorker(worker, exited, CLOSE_WAIT_MS);
    },
  };
}
