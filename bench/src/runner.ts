import { loadavg } from 'node:os';
import type { BenchConfig, SystemName } from './config.js';
import { confabDriver } from './drivers/confab.js';
import type { ServerHandle } from './drivers/process.js';
import { rawWsDriver } from './drivers/raw-ws.js';
import { socketIoDriver } from './drivers/socketio.js';
import { trpcNaiveDriver } from './drivers/trpc-naive.js';
import type { Driver } from './drivers/types.js';
import { cpuPerDelivery } from './workloads/cpu.js';
import { fanout } from './workloads/fanout.js';
import { latency } from './workloads/latency.js';
import { rssPerDevice } from './workloads/rss.js';
import type { Workload, WorkloadName, WorkloadResult } from './workloads/types.js';

export const DRIVERS: Record<SystemName, Driver> = {
  confab: confabDriver,
  'raw-ws': rawWsDriver,
  socketio: socketIoDriver,
  'trpc-naive': trpcNaiveDriver,
};

/** In the order each server runs them: RSS first, while the process is fresh. */
export const WORKLOADS: readonly [WorkloadName, Workload][] = [
  ['rss', rssPerDevice],
  ['fanout', fanout],
  ['cpu', cpuPerDelivery],
  ['latency', latency],
];

export interface RunRecord {
  system: SystemName;
  workload: WorkloadName;
  round: number;
  result: WorkloadResult;
}

export interface BenchResults {
  config: BenchConfig;
  records: RunRecord[];
  startedAt: Date;
  durationMs: number;
  /** 1-minute load average when the run started and when it ended. */
  loadAverage: { start: number; end: number };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const failed = (failure: string): WorkloadResult => ({ failure, metrics: {} });

function describe(result: WorkloadResult): string {
  if (result.failure) return `INTEGRITY FAILED: ${result.failure}`;
  return Object.entries(result.metrics)
    .map(([key, value]) => `${key}=${value.toFixed(value < 100 ? 2 : 0)}`)
    .join(' ');
}

/**
 * Runs every workload on every system, `rounds` times, interleaved: round 1 runs A, B, C, D,
 * round 2 again A, B, C, D... Each system gets a fresh server process per round; its workloads
 * run one after the other on it, each with its own connections.
 */
export async function runBench(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<BenchResults> {
  const startedAt = new Date();
  const t0 = performance.now();
  const loadStart = loadavg()[0] ?? Number.NaN;
  const drivers = config.systems.map((name) => DRIVERS[name]);
  const records: RunRecord[] = [];
  try {
    for (const driver of drivers) {
      if (!driver.prepare) continue;
      const t = performance.now();
      await driver.prepare(config);
      log(`${driver.label}: prepared in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    for (let round = 1; round <= config.rounds; round++) {
      for (const driver of drivers) {
        let server: ServerHandle | undefined;
        try {
          server = await driver.start();
        } catch (error) {
          for (const [workload] of WORKLOADS) {
            records.push({ system: driver.name, workload, round, result: failed(message(error)) });
          }
          log(`[round ${round}] ${driver.label}: could not start: ${message(error)}`);
          continue;
        }
        try {
          for (const [workload, run] of WORKLOADS) {
            const t = performance.now();
            let result: WorkloadResult;
            try {
              result = await run(driver, server, config);
            } catch (error) {
              result = failed(message(error));
            }
            const exit = server.exitReason();
            if (exit && !result.failure) result = failed(exit);
            records.push({ system: driver.name, workload, round, result });
            const seconds = ((performance.now() - t) / 1000).toFixed(1);
            log(
              `[round ${round}/${config.rounds}] ${driver.label} ${workload} (${seconds} s): ${describe(result)}`,
            );
          }
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    for (const driver of drivers) await driver.dispose?.();
  }
  const loadAverage = { start: loadStart, end: loadavg()[0] ?? Number.NaN };
  return { config, records, startedAt, durationMs: performance.now() - t0, loadAverage };
}

/** The runs that failed, one line each. */
export function failures(results: BenchResults): string[] {
  return results.records
    .filter((r) => r.result.failure)
    .map((r) => `${DRIVERS[r.system].label} ${r.workload} round ${r.round}: ${r.result.failure}`);
}
