import { describe, expect, it } from 'vitest';
import { QUICK } from './config.js';
import { runBench, workloadsFor } from './runner.js';

/** The opt-in workloads: several Confab processes on PostgreSQL and a private Redis. */
const CLUSTER_WORKLOADS = ['cross-node', 'cluster-sends', 'cluster-devices'];

describe('bench quick mode', () => {
  it('runs every workload on every system with every message delivered once, in order', async () => {
    const results = await runBench({ ...QUICK, resultsPath: undefined }, () => {});
    const failed = results.records.filter((r) => r.result.failure);
    expect(failed.map((r) => `${r.system} ${r.workload}: ${r.result.failure}`)).toEqual([]);
    const expected = QUICK.systems.flatMap((system) =>
      workloadsFor(system).map((w) => `${system} ${w.name}`),
    );
    expect(results.records.map((r) => `${r.system} ${r.workload}`)).toEqual(expected);
    // The cluster workloads run only when asked for.
    expect(results.records.filter((r) => CLUSTER_WORKLOADS.includes(r.workload))).toEqual([]);
  });

  it('runs the cluster workloads (PostgreSQL + Redis) with every message delivered once, in order', async () => {
    const results = await runBench(
      { ...QUICK, systems: ['confab'], workloads: CLUSTER_WORKLOADS, resultsPath: undefined },
      () => {},
    );
    const failed = results.records.filter((r) => r.result.failure);
    expect(failed.map((r) => `${r.workload}: ${r.result.failure}`)).toEqual([]);
    expect(results.records.map((r) => r.workload)).toEqual(CLUSTER_WORKLOADS);
    const devices = results.records.find((r) => r.workload === 'cluster-devices');
    expect(devices?.result.metrics.devices).toBe(QUICK.clusterDevices.target);
  });
});
