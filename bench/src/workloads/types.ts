import type { BenchConfig } from '../config.js';
import type { ServerHandle } from '../drivers/process.js';
import type { Driver } from '../drivers/types.js';

/** Every figure a workload can report. */
export type MetricKey =
  | 'deliveriesPerSec'
  | 'fanoutServerCpuPct'
  | 'fanoutLoadgenCpuPct'
  | 'cpuUsPerDelivery'
  | 'latencyP50Ms'
  | 'latencyP95Ms'
  | 'latencyP99Ms'
  | 'rssKiBPerDevice';

export interface WorkloadResult {
  /** Set when integrity (or the run itself) failed: the figures then mean nothing. */
  failure: string | undefined;
  metrics: Partial<Record<MetricKey, number>>;
}

export type WorkloadName = 'rss' | 'fanout' | 'cpu' | 'latency';

/** One workload against one running server. */
export type Workload = (
  driver: Driver,
  server: ServerHandle,
  config: BenchConfig,
) => Promise<WorkloadResult>;
