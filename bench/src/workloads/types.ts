import type { BenchConfig, SystemName } from '../config.js';
import type { ServerHandle } from '../drivers/process.js';
import type { Driver } from '../drivers/types.js';

export interface WorkloadResult {
  /** Set when integrity (or the run itself) failed: the figures then mean nothing. */
  failure: string | undefined;
  /** Figures by metric key (the keys the workload's `metrics` declare). */
  metrics: Record<string, number>;
  /** What the log should say beside the figures (why a stepped workload stopped short...). */
  note?: string;
}

/** One row of the table: a figure a workload reports. */
export interface Metric {
  key: string;
  label(config: BenchConfig): string;
  digits: number;
  /** Informational rows (how busy a process was, a driver's own rate) get no ratio. */
  ratio: boolean;
  /**
   * The peers' figure Confab's is divided by, when it is another row's (SSE fan-out is
   * compared with the peers' WebSocket fan-out). By default: the same row.
   */
  peerMetric?: { workload: string; key: string };
  /** A metric of the same workload holding the load generator's CPU %: ≥ 90 marks a floor (†). */
  loadgenCpuKey?: string;
}

interface WorkloadBase {
  name: string;
  /** The systems it runs on; every system when absent. */
  systems?: readonly SystemName[];
  metrics: readonly Metric[];
  /**
   * Runs in the first round only (a long workload whose figure varies little); its row then
   * shows that one figure, and its label should say so.
   */
  once?: boolean;
  /**
   * Runs only when named in `--workloads` (a long run that needs PostgreSQL and Redis), never
   * in the default run.
   */
  optIn?: boolean;
  /** Removes what its runs kept across rounds (a database...); called once, after the bench. */
  dispose?(): Promise<void>;
}

/** Runs against the round's server process, after the workloads before it. */
export interface SharedServerWorkload extends WorkloadBase {
  kind: 'shared';
  run(driver: Driver, server: ServerHandle, config: BenchConfig): Promise<WorkloadResult>;
}

/** Starts (and restarts, or configures) its own server processes. */
export interface OwnServerWorkload extends WorkloadBase {
  kind: 'own';
  run(driver: Driver, config: BenchConfig): Promise<WorkloadResult>;
}

export type Workload = SharedServerWorkload | OwnServerWorkload;

/** Whether `workload` runs on `system`. */
export const appliesTo = (workload: Workload, system: SystemName): boolean =>
  workload.systems === undefined || workload.systems.includes(system);

/** Whether `workload` is chosen by `only` (the --workloads list; every default one if absent). */
export const chosenBy = (workload: Workload, only: readonly string[] | undefined): boolean =>
  only === undefined ? !workload.optIn : only.includes(workload.name);

/** Whether `workload` runs in round `round` (1-based). */
export const runsInRound = (workload: Workload, round: number): boolean =>
  round === 1 || !workload.once;
