import { describe, expect, it } from 'vitest';
import { QUICK } from './config.js';
import { runBench, workloadsFor } from './runner.js';

describe('bench quick mode', () => {
  it('runs every workload on every system with every message delivered once, in order', async () => {
    const results = await runBench({ ...QUICK, resultsPath: undefined }, () => {});
    const failed = results.records.filter((r) => r.result.failure);
    expect(failed.map((r) => `${r.system} ${r.workload}: ${r.result.failure}`)).toEqual([]);
    const expected = QUICK.systems.flatMap((system) =>
      workloadsFor(system).map((w) => `${system} ${w.name}`),
    );
    expect(results.records.map((r) => `${r.system} ${r.workload}`)).toEqual(expected);
  });
});
