import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Counts bumped on the delivery path, once per event per device: plain numbers (an increment
 * costs nothing next to the socket write it accompanies), read by prom-client only at scrape
 * time. A call into prom-client per socket would cost more than the write.
 */
export interface HotCounts {
  /** Events handed to devices (every transport). */
  deliveries: number;
  /** Pages of the log read to catch a device up. */
  backfillPages: number;
  /** Devices cut off for falling too far behind. */
  slowConsumerCutoffs: number;
  /** Device sessions (event streams of every transport) open now. */
  liveStreams: number;
}

/** Readings taken when Prometheus scrapes; each set by the part that knows. */
export interface MetricSources {
  devices?: () => { ws: number; sse: number; poll: number };
  /** The notifier's counters (Web Push and webhook outcomes). */
  notify?: () => { push: Record<string, number>; webhooks: Record<string, number> };
  /** The database pool's connections (PostgreSQL). */
  dbPool?: () => { total: number; idle: number; waiting: number };
}

/** Latency buckets in seconds: a few ms for a lone local commit to seconds under overload. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Group commits hold at most 256 sends (append-batch.ts). */
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 256];
/** Commits whose first delivery is awaited at most; older ones are forgotten. */
const MAX_AWAITED = 1000;

/**
 * One server's metrics, in a registry of its own (never prom-client's global one: several
 * servers in one process, tests above all, would count into each other).
 */
export function createMetrics() {
  const registry = new Registry();
  const hot: HotCounts = {
    deliveries: 0,
    backfillPages: 0,
    slowConsumerCutoffs: 0,
    liveStreams: 0,
  };
  const sources: MetricSources = {};
  const registers = [registry];

  /** A counter whose total lives in `hot`: set from it at scrape time. */
  const hotCounter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        const value = read();
        if (value > 0) this.inc(value);
      },
    });
  hotCounter('confab_deliveries_total', 'Events delivered to devices', () => hot.deliveries);
  hotCounter(
    'confab_backfill_pages_total',
    'Log pages read to catch devices up',
    () => hot.backfillPages,
  );
  hotCounter(
    'confab_slow_consumer_cutoffs_total',
    'Devices cut off for not reading fast enough',
    () => hot.slowConsumerCutoffs,
  );
  new Gauge({
    name: 'confab_live_streams',
    help: 'Device event streams open (WebSocket, SSE and long-poll sessions)',
    registers,
    collect() {
      this.set(hot.liveStreams);
    },
  });
  new Gauge({
    name: 'confab_connected_devices',
    help: 'Connected devices by transport (WebSocket connections, SSE streams, poll sessions)',
    labelNames: ['transport'],
    registers,
    collect() {
      const devices = sources.devices?.();
      if (!devices) return;
      for (const [transport, count] of Object.entries(devices)) this.set({ transport }, count);
    },
  });
  const notifyCounter = (name: string, help: string, group: 'push' | 'webhooks') =>
    new Counter({
      name,
      help,
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        const counts = sources.notify?.()[group];
        for (const [outcome, count] of Object.entries(counts ?? {})) this.inc({ outcome }, count);
      },
    });
  notifyCounter('confab_web_push_total', 'Web Push notifications by outcome', 'push');
  notifyCounter('confab_webhooks_total', 'Webhook deliveries by outcome', 'webhooks');
  new Gauge({
    name: 'confab_db_pool_connections',
    help: 'Database pool connections: total open, idle, and queries waiting for one',
    labelNames: ['state'],
    registers,
    collect() {
      const pool = sources.dbPool?.();
      if (!pool) return;
      for (const [state, count] of Object.entries(pool)) this.set({ state }, count);
    },
  });
  const sendCommit = new Histogram({
    name: 'confab_send_commit_seconds',
    help: 'A send from the call reaching the message service to its commit',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const firstDelivery = new Histogram({
    name: 'confab_send_first_delivery_seconds',
    help: "A message's commit to its first delivery to a device on the committing process",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const batchSize = new Histogram({
    name: 'confab_commit_batch_size',
    help: 'Sends committed per group commit (one transaction)',
    buckets: BATCH_BUCKETS,
    registers,
  });
  const rateLimited = new Counter({
    name: 'confab_rate_limit_refusals_total',
    help: 'Calls refused by a rate limit, by the limit',
    labelNames: ['kind'],
    registers,
  });
  const busLag = new Histogram({
    name: 'confab_bus_lag_seconds',
    help: 'Redis bus: publish on one process to receipt on this one (clocks of both)',
    buckets: LATENCY_BUCKETS,
    registers,
  });

  /** Commit times (performance.now) of messages not yet delivered here, by `roomId:seq`. */
  const awaited = new Map<string, number>();
  let defaultsOn = false;

  return {
    registry,
    hot,
    sources,
    /** A send committed `startedAt` (performance.now()) ago; its first delivery is awaited. */
    sendCommitted(startedAt: number, event: { roomId: string; seq: number }): void {
      const now = performance.now();
      sendCommit.observe((now - startedAt) / 1000);
      if (awaited.size >= MAX_AWAITED) {
        const oldest = awaited.keys().next().value;
        if (oldest !== undefined) awaited.delete(oldest);
      }
      awaited.set(`${event.roomId}:${event.seq}`, now);
    },
    /** A room event reached a device: the first time, the commit's latency to it is observed. */
    roomEventDelivered(event: { roomId: string; seq: number }): void {
      if (awaited.size === 0) return;
      const key = `${event.roomId}:${event.seq}`;
      const at = awaited.get(key);
      if (at === undefined) return;
      awaited.delete(key);
      firstDelivery.observe((performance.now() - at) / 1000);
    },
    batchCommitted(size: number): void {
      batchSize.observe(size);
    },
    rateLimited(kind: string): void {
      rateLimited.inc({ kind });
    },
    busReceived(lagMs: number): void {
      busLag.observe(Math.max(0, lagMs) / 1000);
    },
    /**
     * Adds Node's own metrics (event-loop lag, heap, GC, CPU) to the registry, once: only when
     * the metrics are served, as prom-client keeps an event-loop monitor running for them.
     */
    withProcessMetrics(): void {
      if (defaultsOn) return;
      defaultsOn = true;
      collectDefaultMetrics({ register: registry });
    },
    /** The exposition text and its content type. */
    async exposition(): Promise<{ text: string; contentType: string }> {
      return { text: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
