import type { Logger } from '../observability/logger.js';
import type { Store } from '../ports/store.js';
import { reportError } from '../report.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  /** Messages older than this many days are deleted in rooms without their own setting. @default null (kept) */
  defaultDays?: number | null;
  /** Log entries one step deletes in one room (one transaction). @default 1000 */
  batchRows?: number;
  /** Rooms read per page while looking for work. @default 500 */
  roomsPerPage?: number;
}

/** What one run of retention did, over every room. */
export interface RetentionReport {
  /** Rooms in which something was deleted. */
  rooms: number;
  events: number;
  messages: number;
}

/**
 * Message retention: in each room whose retention (its own, else the server's default) is set,
 * the log is cut up to its last message older than that many days before the first that is not
 * (retentionStore's cutOf: a younger message is never deleted). Every node may run it at
 * once: each step is one transaction per room bounded in rows, and a step that finds the work
 * done by another node deletes nothing. Seqs never change; a device behind the cut is told so
 * by its stream (history.truncated).
 */
export function createRetention(store: Store, options: RetentionOptions = {}) {
  const defaultDays = options.defaultDays ?? null;
  const batchRows = options.batchRows ?? 1000;
  const roomsPerPage = options.roomsPerPage ?? 500;

  /**
   * Deletes what is due at `now` in every room; resolves once all rooms are done, or at the
   * first step after `signal` aborted (the process is stopping: the next run goes on).
   */
  async function applyRetention(now: number, signal?: AbortSignal): Promise<RetentionReport> {
    const report: RetentionReport = { rooms: 0, events: 0, messages: 0 };
    let afterId: string | undefined;
    for (;;) {
      if (signal?.aborted) return report;
      const rooms = await store.retentionRooms({
        afterId,
        limit: roomsPerPage,
        all: defaultDays !== null,
      });
      for (const room of rooms) {
        const days = room.retentionDays ?? defaultDays;
        if (days === null) continue;
        const olderThan = now - days * DAY_MS;
        let touched = false;
        // Bounded: each step either deletes up to batchRows seqs from the front of the log
        // and moves its start, or says it is done.
        for (;;) {
          if (signal?.aborted) return report;
          const step = await store.truncateRoomLog(room.id, { olderThan, maxRows: batchRows });
          if (step.events + step.messages > 0) touched = true;
          report.events += step.events;
          report.messages += step.messages;
          if (step.done) break;
        }
        if (touched) report.rooms += 1;
      }
      const last = rooms.at(-1);
      if (!last || rooms.length < roomsPerPage) return report;
      afterId = last.id;
    }
  }

  return { defaultDays, applyRetention };
}
export type Retention = ReturnType<typeof createRetention>;

/**
 * Runs retention now and then every `intervalMs` until stopped (a run never overlaps the
 * previous one). A failed run is reported and the next one tries again.
 */
export function startRetentionJob(
  retention: Retention,
  options: {
    intervalMs: number;
    now?: () => number;
    /** Hears each finished run's report (logs, metrics). */
    onRun?: (report: RetentionReport) => void;
    /** Where a failed run is logged. @default fallbackLogger */
    log?: Logger;
  },
): { stop(): Promise<void> } {
  const now = options.now ?? Date.now;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = retention
      .applyRetention(now(), stopping.signal)
      .then(
        (report) => options.onRun?.(report),
        (error: unknown) => reportError('retention', error, options.log),
      )
      .then(() => {
        if (stopping.signal.aborted) return;
        timer = setTimeout(run, options.intervalMs);
        timer.unref();
      });
  };
  run();
  return {
    /** Stops after the step under way (one room's bounded transaction). */
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
