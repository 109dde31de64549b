import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';
import type { Logger } from '../../observability/logger.js';
import { closeWorker } from './worker-close.js';

/**
 * Where SQLite's search queries run: a worker thread with a read-only connection of its own,
 * so that a search never holds the event loop (every device's delivery waits on it). FTS5
 * reads a word's entries synchronously, ~0.1 µs for each message holding it: 55–60 ms at
 * 500,000 such messages, which on the main connection stopped everything else. The worker
 * starts at the first search and ends after a minute without one (a thread costs memory).
 */
export interface SearchReader {
  /** The rows `query` (a SELECT) reads; searches run one after the other. */
  all<Row>(query: CompiledQuery<Row>): Promise<Row[]>;
  /** Ends the worker, if one runs, once the queries sent to it have answered. */
  close(): Promise<void>;
}

/** How long the worker waits for another search before it ends. */
const IDLE_STOP_MS = 60_000;
/** How long close() waits for the worker's queries before ending it. */
const CLOSE_WAIT_MS = 5_000;

// The worker's code, as a script: it needs nothing of the server but the driver, and a separate
// file would have to be found next to whichever bundle (api, bench) loaded this one.
const WORKER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const statements = new Map();
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    let statement = statements.get(message.sql);
    if (!statement) {
      if (statements.size >= 100) statements.clear();
      statement = db.prepare(message.sql);
      statements.set(message.sql, statement);
    }
    parentPort.postMessage({ id: message.id, rows: statement.all(...message.parameters) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String((error && error.message) || error) });
  }
});
`;

interface Pending {
  resolve: (rows: unknown[]) => void;
  reject: (error: Error) => void;
}

type Answer = { id: number; rows: unknown[] } | { id: number; error: string };

export function createSearchReader(
  path: string,
  log: () => Logger,
  options: {
    idleStopMs?: number;
    /** Hears the worker start and exit (tests). */
    onWorker?: (event: 'started' | 'exited') => void;
  } = {},
): SearchReader {
  const idleStopMs = options.idleStopMs ?? IDLE_STOP_MS;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let worker: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  let idle: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function start(): Worker {
    const started = new Worker(WORKER_SCRIPT, {
      eval: true,
      workerData: { driver, path },
      // A step's rows (a page of hits, or the rowids of up to scanMax entries), never more.
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
    });
    // An embedder that forgets close() can still exit.
    started.unref();
    options.onWorker?.('started');
    started.on('message', (answer: Answer) => {
      const waiting = pending.get(answer.id);
      pending.delete(answer.id);
      if ('error' in answer) waiting?.reject(new Error(`SQLite search: ${answer.error}`));
      else waiting?.resolve(answer.rows);
      if (pending.size === 0) idleFrom(started);
    });
    started.on('error', (error) => log().warn({ err: error }, 'SQLite search worker failed'));
    exited = new Promise((resolve) => {
      started.once('exit', () => {
        if (worker === started) worker = undefined;
        // Whatever it had not answered fails (the next search starts another worker).
        for (const waiting of pending.values())
          waiting.reject(new Error('SQLite search worker ended'));
        pending.clear();
        options.onWorker?.('exited');
        resolve();
      });
    });
    return started;
  }

  function idleFrom(running: Worker): void {
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (worker === running && pending.size === 0) {
        worker = undefined;
        running.postMessage('close');
      }
    }, idleStopMs);
    idle.unref();
  }

  return {
    all<Row>(query: CompiledQuery<Row>): Promise<Row[]> {
      if (closed) return Promise.reject(new Error('The store is closed'));
      clearTimeout(idle);
      worker ??= start();
      const id = nextId++;
      const answered = new Promise<Row[]>((resolve, reject) => {
        pending.set(id, { resolve: (rows) => resolve(rows as Row[]), reject });
      });
      worker.postMessage({ id, sql: query.sql, parameters: query.parameters });
      return answered;
    },
    async close() {
      closed = true;
      clearTimeout(idle);
      if (worker) await closeWorker(worker, exited, CLOSE_WAIT_MS);
    },
  };
}
