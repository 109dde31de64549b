import type { OutboxItem, OutboxStore } from '../ports/store.js';
import { describeError, type Tasks } from './tasks.js';
import type { Telemetry } from './telemetry.js';

/** What to record once a claimed row was worked on. */
export type OutboxOutcome =
  /** Delivered, sent, or given up for good: the row goes. */
  | { outcome: 'finished' }
  /** An attempt failed: it counts, and the row is due again at `dueAt`. */
  | { outcome: 'retry'; dueAt: number }
  /** Cut short (the process is stopping): the row is due again, the attempt does not count. */
  | { outcome: 'release'; dueAt: number };

/**
 * Claims a row lost this many times (its holder died before recording anything) and it is
 * given up: a row that crashes whoever sends it must not take down node after node.
 */
const MAX_LOST_CLAIMS = 3;
/** How often the pending-row counts (the bound on the outbox) are read again at most. */
const COUNTS_REFRESH_MS = 1_000;

/**
 * This node's worker over the shared outbox. It claims due rows in small batches, at most
 * `maxInFlight` at once, hands each to `handle` as a task, and records the outcome with the
 * claim (so a claim that expired records nothing). While rows are in flight their leases are
 * renewed every third of `leaseMs`, so a slow destination does not let another node send the
 * same row; a node that dies stops renewing, and its rows become due when the lease ends.
 * It polls every `pollMs`, and while claims keep coming back empty the wait doubles up to
 * `idlePollMaxMs`: the rows a live node queues are claimed by that node at once (`wake()`, this
 * node just queued something; `wakeAt(time)`, a retry or window it knows of), so polling only
 * finds rows whose node died or stalled, and an idle cluster should not query the database four
 * times a second per process for them.
 */
export function createOutboxPoller(deps: {
  store: OutboxStore;
  nodeId: string;
  pollMs: number;
  /** The longest wait between claims once they keep coming back empty (≥ pollMs). */
  idlePollMaxMs: number;
  leaseMs: number;
  maxInFlight: number;
  tasks: Tasks;
  telemetry: Telemetry;
  now: () => number;
  handle: (item: OutboxItem) => Promise<OutboxOutcome>;
  /** A row given up after MAX_LOST_CLAIMS lost claims: counted and logged by the caller. */
  abandoned: (item: OutboxItem) => void;
}) {
  const { store, telemetry, now } = deps;
  const inFlight = new Map<string, OutboxItem>();
  let stopped = false;
  let woken = false;
  let sleeping: (() => void) | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let dueTimer: NodeJS.Timeout | undefined;
  let nextDue = Number.POSITIVE_INFINITY;
  /** The last claim filled every free slot: more may be due as soon as a slot frees. */
  let mayHaveMore = false;
  /** Claims in a row that found nothing and were not woken for: the idle wait grows with it. */
  let emptyClaims = 0;
  let cycleWaiters: (() => void)[] = [];
  const counts = { webhook: 0, push: 0, at: Number.NEGATIVE_INFINITY };

  const error = (what: string, cause: unknown, id?: string) =>
    telemetry.log({ event: 'notify.error', error: `${what}: ${describeError(cause)}`, id });

  function wake(): void {
    woken = true;
    if (idleTimer) clearTimeout(idleTimer);
    const resume = sleeping;
    sleeping = undefined;
    resume?.();
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      sleeping = resolve;
      idleTimer = setTimeout(wake, Math.max(0, ms));
      // An idle poller must not keep a process alive that has nothing else to do.
      idleTimer.unref();
    });
  }

  const renewal = setInterval(
    () => {
      if (inFlight.size === 0) return;
      store
        .renewOutboxClaims(deps.nodeId, [...inFlight.keys()], now() + deps.leaseMs)
        .catch((cause: unknown) => error('outbox lease renewal failed', cause));
    },
    Math.max(1, Math.floor(deps.leaseMs / 3)),
  );
  renewal.unref();

  async function record(item: OutboxItem, result: OutboxOutcome): Promise<void> {
    const held =
      result.outcome === 'finished'
        ? await store.finishOutboxItem(item)
        : result.outcome === 'retry'
          ? await store.retryOutboxItem(item, result.dueAt)
          : await store.releaseOutboxItem(item, result.dueAt);
    if (!held) {
      // Its lease ended (this process stalled longer than leaseMs) and another claim took it.
      telemetry.log({ event: 'notify.error', error: 'outbox claim lost', id: item.id });
    }
    if (result.outcome !== 'finished' && !stopped) poller.wakeAt(result.dueAt);
  }

  function start(item: OutboxItem): void {
    inFlight.set(item.id, item);
    deps.tasks.run(async () => {
      try {
        if (item.claims - 1 - item.attempts >= MAX_LOST_CLAIMS) {
          deps.abandoned(item);
          await record(item, { outcome: 'finished' });
          return;
        }
        let result: OutboxOutcome;
        try {
          result = await deps.handle(item);
        } catch (cause) {
          // A store error while working on it: try again later; the attempt counts, so a row
          // that always fails is bounded by its kind's attempts.
          error('outbox item failed', cause, item.id);
          result = { outcome: 'retry', dueAt: now() + deps.leaseMs };
        }
        await record(item, result);
      } finally {
        inFlight.delete(item.id);
        if (mayHaveMore) wake();
      }
    });
  }

  async function refreshCounts(): Promise<void> {
    if (now() - counts.at < COUNTS_REFRESH_MS) return;
    const fresh = await store.outboxCounts();
    counts.webhook = fresh.webhook;
    counts.push = fresh.push;
    counts.at = now();
  }

  /** pollMs, doubled for each empty claim beyond the first, up to idlePollMaxMs. */
  function idleWait(): number {
    const grown = deps.pollMs * 2 ** Math.max(0, emptyClaims - 1);
    return Math.max(deps.pollMs, Math.min(grown, deps.idlePollMaxMs));
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      woken = false;
      const free = deps.maxInFlight - inFlight.size;
      let claimed = 0;
      try {
        await refreshCounts();
        if (free > 0) {
          const items = await store.claimOutbox({
            by: deps.nodeId,
            now: now(),
            leaseMs: deps.leaseMs,
            limit: free,
          });
          claimed = items.length;
          for (const item of items) start(item);
        }
      } catch (cause) {
        error('outbox claim failed', cause);
      }
      mayHaveMore = free === 0 || (claimed > 0 && claimed === free);
      const waiters = cycleWaiters;
      cycleWaiters = [];
      for (const resolve of waiters) resolve();
      if (stopped) break;
      if (woken || (mayHaveMore && free > 0)) continue;
      emptyClaims = claimed > 0 || inFlight.size > 0 ? 0 : Math.min(emptyClaims + 1, 30);
      await sleep(Math.min(idleWait(), nextDue - now()));
    }
  }

  let looping: Promise<void> = Promise.resolve();
  const poller = {
    /**
     * Resolves once the claim loop has ended after `stop()`: a claim still on its way to the
     * store is answered (and its rows started) before the store may close.
     */
    finished: (): Promise<void> => looping,
    /** This node just queued rows: claim now. */
    wake,
    /** A row this node knows of is due at `time`: claim then (or at the next poll). */
    wakeAt(time: number): void {
      if (stopped || time >= nextDue) return;
      nextDue = time;
      if (dueTimer) clearTimeout(dueTimer);
      dueTimer = setTimeout(
        () => {
          nextDue = Number.POSITIVE_INFINITY;
          wake();
        },
        Math.max(0, time - now()),
      );
      // It wakes the poller from any sleep, however long that sleep was planned.
      dueTimer.unref();
    },
    /** Resolves once the next claim has been made (at once when stopped). */
    nextCycle(): Promise<void> {
      if (stopped) return Promise.resolve();
      return new Promise((resolve) => cycleWaiters.push(resolve));
    },
    /** Rows pending in the whole outbox, as of the last count plus what this node added since. */
    pending(kind: 'webhook' | 'push'): number {
      return counts[kind];
    },
    added(kind: 'webhook' | 'push', n: number): void {
      counts[kind] += n;
    },
    /** Claims nothing more; rows in flight are still renewed until `close()`. */
    stop(): void {
      stopped = true;
      if (dueTimer) clearTimeout(dueTimer);
      wake();
      for (const resolve of cycleWaiters.splice(0)) resolve();
    },
    /** After the rows in flight are recorded: stops renewing their leases. */
    close(): void {
      clearInterval(renewal);
    },
  };
  looping = loop();
  return poller;
}
export type OutboxPoller = ReturnType<typeof createOutboxPoller>;
