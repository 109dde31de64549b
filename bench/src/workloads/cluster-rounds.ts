import type { BenchConfig } from '../config.js';
import { type ClusterFixture, clusterFixture } from '../drivers/confab-cluster.js';
import type { Metric } from './types.js';

/** A row of a Confab-only workload: informational, no ratio to the peers. */
export const confabOnlyMetric = (
  key: string,
  label: (c: BenchConfig) => string,
  digits = 0,
): Metric => ({ key, label, digits, ratio: false });

type NodesRun<F> = (
  count: number,
  fixture: ClusterFixture,
  config: BenchConfig,
) => Promise<{ failure: string | undefined; figures: F }>;

/** `onNodes` on one node, then on two, on the cluster fixture; the failure says which run. */
export async function oneThenTwoNodes<F>(
  config: BenchConfig,
  onNodes: NodesRun<F>,
): Promise<{ failure: string | undefined; one: F; two: F }> {
  const fixture = await clusterFixture(config);
  const one = await onNodes(1, fixture, config);
  const two = await onNodes(2, fixture, config);
  const failure = [
    one.failure && `one node: ${one.failure}`,
    two.failure && `two nodes: ${two.failure}`,
  ]
    .filter(Boolean)
    .join('; ');
  return { failure: failure || undefined, one: one.figures, two: two.figures };
}
