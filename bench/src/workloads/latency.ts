import type { BenchConfig, PacedSizes } from '../config.js';
import { percentile } from '../stats.js';
import { subscribeAll } from './common.js';
import { measurePaced } from './paced.js';
import type { Metric, Workload } from './types.js';

/**
 * A latency workload: `sizes.rate` messages/s into a room of `sizes.subscribers`; every
 * delivery's time from the publisher's send (an HTTP request for Confab, a WebSocket frame for
 * the peers) to its arrival at the subscriber, both in the load generator. Warm-up messages
 * are not counted. With `cpuRows`, also how busy the server and the load generator were (at a
 * rate near saturation, that tells a backlog in the server from one in the load generator).
 */
export function latencyWorkload(
  name: string,
  sizesOf: (config: BenchConfig) => PacedSizes,
  options: { cpuRows?: boolean } = {},
): Workload {
  const rate = (c: BenchConfig) => `${sizesOf(c).rate} msg/s`;
  const metrics: Metric[] = [
    {
      key: 'latencyP50Ms',
      label: (c) => `Latency p50, ms (${rate(c)} × ${sizesOf(c).subscribers} subs) ↓`,
      digits: 1,
      ratio: true,
    },
    { key: 'latencyP95Ms', label: (c) => `Latency p95, ms (${rate(c)}) ↓`, digits: 1, ratio: true },
    { key: 'latencyP99Ms', label: (c) => `Latency p99, ms (${rate(c)}) ↓`, digits: 1, ratio: true },
  ];
  if (options.cpuRows) {
    metrics.push(
      {
        key: 'serverCpuPct',
        label: (c) => `  server CPU at ${rate(c)}, % of a core`,
        digits: 0,
        ratio: false,
      },
      {
        key: 'loadgenCpuPct',
        label: (c) => `  load generator CPU at ${rate(c)}, %`,
        digits: 0,
        ratio: false,
      },
    );
  }
  return {
    name,
    kind: 'shared',
    metrics,
    async run(driver, server, config) {
      const sizes = sizesOf(config);
      const run = await measurePaced(driver, server, config, sizes, (tracker) =>
        subscribeAll(driver, server, sizes.subscribers, tracker),
      );
      const samples = run.tracker.latencySamples();
      return {
        failure: run.failure,
        metrics: {
          latencyP50Ms: percentile(samples, 50),
          latencyP95Ms: percentile(samples, 95),
          latencyP99Ms: percentile(samples, 99),
          ...(options.cpuRows
            ? { serverCpuPct: run.serverCpuPct, loadgenCpuPct: run.loadgenCpuPct }
            : {}),
        },
      };
    },
  };
}

/**
 * Latency at 10 msg/s × 1000 subscribers: well below every system's saturation. With its CPU
 * rows: one process reads all 1000 devices' frames, and where it takes longer per frame than
 * the server takes per delivery, the later devices' latency is partly its own queue (see
 * RESULTS.md, "The reader's share of the latency").
 */
export const latency = latencyWorkload('latency', (c) => c.latency, { cpuRows: true });
