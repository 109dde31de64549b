import { loadavg } from 'node:os';
import type { BenchConfig, SystemName } from './config.js';
import { confabDriver } from './drivers/confab.js';
import type { ServerHandle } from './drivers/process.js';
import { rawWsDriver } from './drivers/raw-ws.js';
import { socketIoDriver } from './drivers/socketio.js';
import { trpcNaiveDriver } from './drivers/trpc-naive.js';
import type { Driver } from './drivers/types.js';
import { clusterDevices } from './workloads/cluster-devices.js';
import { clusterSends } from './workloads/cluster-sends.js';
import { cpuPerDelivery } from './workloads/cpu.js';
import { crossNode } from './workloads/cross-node.js';
import { fanout } from './workloads/fanout.js';
import { fanoutSse } from './workloads/fanout-sse.js';
import { latency } from './workloads/latency.js';
import { latency100 } from './workloads/latency-100.js';
import { maxDevices } from './workloads/max-devices.js';
import { officialSample } from './workloads/official-sample.js';
import { resumeStorm } from './workloads/resume-storm.js';
import { rssPerDevice, rssWaves } from './workloads/rss.js';
import { sends } from './workloads/sends.js';
import {
  appliesTo,
  chosenBy,
  runsInRound,
  type Workload,
  type WorkloadResult,
} from './workloads/types.js';

export const DRIVERS: Record<SystemName, Driver> = {
  confab: confabDriver,
  'raw-ws': rawWsDriver,
  socketio: socketIoDriver,
  'trpc-naive': trpcNaiveDriver,
};

/**
 * In the order they run. Shared-server workloads run one after the other on the round's fresh
 * server process (RSS first, while the process is fresh); own-server workloads run after it
 * has stopped, each starting the servers it needs.
 */
export const WORKLOADS: readonly Workload[] = [
  rssPerDevice,
  rssWaves,
  fanout,
  cpuPerDelivery,
  latency,
  latency100,
  officialSample,
  fanoutSse,
  sends,
  resumeStorm,
  maxDevices,
  // Opt-in (--workloads): several processes on PostgreSQL and Redis.
  crossNode,
  clusterSends,
  clusterDevices,
];

/** The workloads that run on `system`, in order: shared-server ones first. */
export function workloadsFor(system: SystemName, only?: readonly string[]): Workload[] {
  const chosen = WORKLOADS.filter((w) => appliesTo(w, system) && chosenBy(w, only));
  return [...chosen.filter((w) => w.kind === 'shared'), ...chosen.filter((w) => w.kind === 'own')];
}

export interface RunRecord {
  system: SystemName;
  workload: string;
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
  const figures = Object.entries(result.metrics)
    .map(([key, value]) => `${key}=${value.toFixed(value < 100 ? 2 : 0)}`)
    .join(' ');
  return result.note ? `${figures} (${result.note})` : figures;
}

/** Runs one workload, turning a throw into a failed result, and records it with its duration. */
async function timed(
  name: string,
  record: (workload: string, result: WorkloadResult, seconds: number) => void,
  run: () => Promise<WorkloadResult>,
): Promise<void> {
  const t = performance.now();
  let result: WorkloadResult;
  try {
    result = await run();
  } catch (error) {
    result = failed(message(error));
  }
  record(name, result, (performance.now() - t) / 1000);
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
  const unknown = config.workloads?.filter((name) => !WORKLOADS.some((w) => w.name === name));
  if (unknown?.length) throw new Error(`Unknown workload(s): ${unknown.join(', ')}`);
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
        const record = (workload: string, result: WorkloadResult, seconds: number) => {
          records.push({ system: driver.name, workload, round, result });
          log(
            `[round ${round}/${config.rounds}] ${driver.label} ${workload} (${seconds.toFixed(1)} s): ${describe(result)}`,
          );
        };
        const workloads = workloadsFor(driver.name, config.workloads).filter((w) =>
          runsInRound(w, round),
        );
        const shared = workloads.filter((w) => w.kind === 'shared');
        if (shared.length > 0) {
          let server: ServerHandle | undefined;
          try {
            server = await driver.start();
          } catch (error) {
            for (const w of shared) record(w.name, failed(message(error)), 0);
          }
          if (server) {
            try {
              for (const w of shared) {
                const live = server;
                await timed(w.name, record, async () => {
                  const result = await w.run(driver, live, config);
                  const exit = live.exitReason();
                  return exit && !result.failure ? failed(exit) : result;
                });
              }
            } finally {
              await server.stop();
            }
          }
        }
        for (const w of workloads) {
          if (w.kind === 'own') await timed(w.name, record, () => w.run(driver, config));
        }
      }
    }
  } finally {
    for (const w of WORKLOADS) {
      await w.dispose?.().catch((error: unknown) => log(`${w.name}: dispose: ${message(error)}`));
    }
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
