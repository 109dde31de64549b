import type { BenchConfig } from '../config.js';
import {
  type ClusterFixture,
  disposeClusterFixture,
  nodesExitReason,
  startNodes,
  summedCpu,
} from '../drivers/confab-cluster.js';
import { createRoomOf } from '../drivers/confab-fixture.js';
import { type ConfabHttp, confabHttp, stringField } from '../drivers/confab-http.js';
import { forEachLimit } from '../drivers/ws-util.js';
import { confabOnlyMetric as metric, oneThenTwoNodes } from './cluster-rounds.js';
import { measureSends, type Sender, verifySends } from './send-loop.js';
import type { Workload, WorkloadResult } from './types.js';

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
  /** All senders in one room. */
  rate: number;
  serverCpuPct: number;
  /** Each sender in a room of its own. */
  ownRoomsRate: number;
}

/** Sender s in a new room of its own, created through its node. */
async function ownRooms(http: ConfabHttp, tokens: readonly string[]): Promise<Sender[]> {
  const senders: Sender[] = new Array<Sender>(tokens.length);
  await forEachLimit(tokens.length, 8, async (s) => {
    const token = tokens[s] ?? '';
    const room = await http.mutation('room.create', { kind: 'public', name: 'own' }, token);
    senders[s] = { token, roomId: stringField(room, 'id') };
  });
  return senders;
}

/**
 * `sends.senders` users in closed loops of `message.send`, sender s through node s mod N: all
 * into one new room, then each into a room of its own; acknowledged sends/s, each run checked
 * against the rooms' logs as in `sends`.
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
    const measure = async (placed: Sender[]) => {
      const window = { warmupMs, durationMs };
      const run = await measureSends(http, summedCpu(nodes), placed, window, config.bodyChars);
      return { run, failure: await verifySends(http, placed, run) };
    };
    const roomId = await createRoomOf(`http://127.0.0.1:${nodes[0]?.port}`, tokens, 'sends');
    const one = await measure(tokens.map((token) => ({ token, roomId })));
    const own = await measure(await ownRooms(http, tokens));
    return {
      failure: one.failure ?? own.failure ?? nodesExitReason(nodes),
      figures: {
        rate: one.run.rate,
        serverCpuPct: one.run.cpu.serverPct,
        ownRoomsRate: own.run.rate,
      },
    };
  } finally {
    http.close();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

/**
 * Acknowledged sends/s on PostgreSQL with one Confab process (in-process bus) and with two
 * through Redis, the senders split between them: all into one room (every send takes the
 * room's row lock for its seq, whichever node it came through), then each into a room of its
 * own. Each round runs one node, then two.
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
    metric(
      'oneNodeOwnRoomsSendsPerSec',
      (c) => `  acknowledged sends/s, one node (${c.sends.senders} senders, a room each) ↑`,
    ),
    metric('twoNodesOwnRoomsSendsPerSec', () => '  acknowledged sends/s, two nodes, a room each ↑'),
    metric('ownRoomsRatio', () => '  sends/s two nodes ÷ one, a room each ↑', 2),
  ],
  async run(_driver, config): Promise<WorkloadResult> {
    const { failure, one, two } = await oneThenTwoNodes(config, onNodes);
    return {
      failure,
      metrics: {
        oneNodeSendsPerSec: one.rate,
        oneNodeCpuPct: one.serverCpuPct,
        twoNodesSendsPerSec: two.rate,
        twoNodesCpuPct: two.serverCpuPct,
        sendsRatio: two.rate / one.rate,
        oneNodeOwnRoomsSendsPerSec: one.ownRoomsRate,
        twoNodesOwnRoomsSendsPerSec: two.ownRoomsRate,
        ownRoomsRatio: two.ownRoomsRate / one.ownRoomsRate,
      },
    };
  },
  dispose: disposeClusterFixture,
};
