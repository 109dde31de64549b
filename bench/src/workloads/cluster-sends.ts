import type { BenchConfig } from '../config.js';
import {
  type ClusterFixture,
  clusterFixture,
  disposeClusterFixture,
  nodesExitReason,
  startNodes,
  summedCpu,
} from '../drivers/confab-cluster.js';
import { createRoomOf } from '../drivers/confab-fixture.js';
import { type ConfabHttp, confabHttp } from '../drivers/confab-http.js';
import { measureSends, type Sender, verifySends } from './send-loop.js';
import type { Metric, Workload, WorkloadResult } from './types.js';

/** As in `sends`: the per-user write limit is lifted, each user sends as fast as acks come. */
const UNLIMITED = { perSecond: 1_000_000, burst: 1_000_000 };

/** Calls as the user of `token` go to that user's node (sender s on node s mod N). */
function routedHttp(https: readonly ConfabHttp[], nodeOf: ReadonlyMap<string, number>): ConfabHttp {
  const pick = (token: string) => {
    const http = https[nodeOf.get(token) ?? 0];
    if (!http) throw new Error('No node for this sender');
    return http;
  };
  return {
    mutation: (path, input, token) => pick(token).mutation(path, input, token),
    query: (path, input, token) => pick(token).query(path, input, token),
    close: () => {
      for (const http of https) http.close();
    },
  };
}

interface SendFigures {
  rate: number;
  serverCpuPct: number;
}

/**
 * `sends.senders` users in closed loops of `message.send` into one new room, sender s through
 * node s mod N; acknowledged sends/s, checked against the room's log as in `sends`.
 */
async function onNodes(
  count: number,
  fixture: ClusterFixture,
  config: BenchConfig,
): Promise<{ failure: string | undefined; figures: SendFigures }> {
  const { senders, warmupMs, durationMs } = config.sends;
  if (fixture.tokens.length < senders)
    throw new Error(`${senders} senders need as many users (--confab-users)`);
  const nodes = await startNodes(count, {
    databaseUrl: fixture.database.url,
    sendRate: UNLIMITED,
    ...(count > 1 ? { redisUrl: fixture.redis.url } : {}),
  });
  const tokens = fixture.tokens.slice(0, senders);
  const nodeOf = new Map(tokens.map((token, s) => [token, s % count] as const));
  const http = routedHttp(
    nodes.map((n) => confabHttp(n.port, Math.ceil(senders / count))),
    nodeOf,
  );
  try {
    const roomId = await createRoomOf(`http://127.0.0.1:${nodes[0]?.port}`, tokens, 'sends');
    const placed: Sender[] = tokens.map((token) => ({ token, roomId }));
    const run = await measureSends(
      http,
      summedCpu(nodes),
      placed,
      { warmupMs, durationMs },
      config.bodyChars,
    );
    const failure = (await verifySends(http, placed, run)) ?? nodesExitReason(nodes);
    return { failure, figures: { rate: run.rate, serverCpuPct: run.cpu.serverPct } };
  } finally {
    http.close();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

const metric = (key: string, label: (c: BenchConfig) => string, digits = 0): Metric => ({
  key,
  label,
  digits,
  ratio: false,
});

/**
 * Acknowledged sends/s on PostgreSQL with one Confab process (in-process bus) and with two
 * through Redis, the senders split between them, all into one room (the hardest case: every
 * send takes the room's next seq). Each round runs one node, then two.
 */
export const clusterSends: Workload = {
  name: 'cluster-sends',
  kind: 'own',
  systems: ['confab'],
  optIn: true,
  metrics: [
    metric(
      'oneNodeSendsPerSec',
      (c) =>
        `Cluster: acknowledged sends/s, PostgreSQL, one node (${c.sends.senders} senders, one room) ↑`,
    ),
    metric('oneNodeCpuPct', () => '  server CPU, % of a core, one node'),
    metric('twoNodesSendsPerSec', () => '  acknowledged sends/s, two nodes through Redis ↑'),
    metric('twoNodesCpuPct', () => '  server CPU, % of a core, two nodes (sum of both)'),
    metric('sendsRatio', () => '  sends/s two nodes ÷ one ↑', 2),
  ],
  async run(_driver, config): Promise<WorkloadResult> {
    const fixture = await clusterFixture(config);
    const one = await onNodes(1, fixture, config);
    const two = await onNodes(2, fixture, config);
    const failure = [
      one.failure && `one node: ${one.failure}`,
      two.failure && `two nodes: ${two.failure}`,
    ]
      .filter(Boolean)
      .join('; ');
    return {
      failure: failure || undefined,
      metrics: {
        oneNodeSendsPerSec: one.figures.rate,
        oneNodeCpuPct: one.figures.serverCpuPct,
        twoNodesSendsPerSec: two.figures.rate,
        twoNodesCpuPct: two.figures.serverCpuPct,
        sendsRatio: two.figures.rate / one.figures.rate,
      },
    };
  },
  dispose: disposeClusterFixture,
};
