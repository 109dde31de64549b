import type { BenchConfig } from '../config.js';
import {
  type ClusterFixture,
  clusterFixture,
  clusterPublisher,
  disposeClusterFixture,
  nodesExitReason,
  startNodes,
  summedCpu,
} from '../drivers/confab-cluster.js';
import { connectConfabDevices } from '../drivers/confab-device.js';
import type { ServerHandle } from '../drivers/process.js';
import { rawWsDriver, startRawWsNodes } from '../drivers/raw-ws.js';
import type { Connections, Publisher, Sink } from '../drivers/types.js';
import { percentile } from '../stats.js';
import { confabOnlyMetric, oneThenTwoNodes } from './cluster-rounds.js';
import { closeAll, offsetSink, publishPaced, sleep } from './common.js';
import { startCpuMeter } from './cpu-meter.js';
import { Tracker } from './tracker.js';
import type { Workload, WorkloadResult } from './types.js';

interface Figures {
  p50: number;
  p99: number;
  /** Server CPU (every node's) per delivery, µs. */
  cpuUs: number;
  /** Redis's CPU per delivery, µs (0 with one node: it uses the in-process bus). */
  redisCpuUs: number;
  /**
   * CPU the nodes used with the devices connected and nothing sent, ms per second: what every
   * process costs at rest (pings, leases, heartbeats), whatever the message rate.
   */
  idleCpuMsPerSec: number;
}

/** How the workload runs one system on N nodes (N = 1: no Redis). */
interface NodesSystem {
  start(count: number): Promise<ServerHandle[]>;
  /**
   * `count` devices on `node`; `sink` already numbers them from `from` (Confab gives device k
   * the token of user `from + k`, so a user's devices sit on every node).
   */
  connect(node: ServerHandle, count: number, sink: Sink, from: number): Promise<Connections>;
  /** Where message i goes in. */
  publisher(nodes: readonly ServerHandle[], sink: Sink): Promise<Publisher>;
}

/**
 * Confab: the fixture's users and room, on its database; two or more nodes through its Redis,
 * one node on the in-process bus unless `oneThroughRedis` (then on the Redis bus all the same,
 * as a node of a cluster that has only one: what the bus costs, apart from splitting the devices).
 */
const confabNodes = (fixture: ClusterFixture, oneThroughRedis = false): NodesSystem => ({
  start: (count) =>
    startNodes(count, {
      databaseUrl: fixture.database.url,
      ...(count > 1 || oneThroughRedis ? { redisUrl: fixture.redis.url } : {}),
    }),
  connect: (node, count, sink, from) =>
    connectConfabDevices(node.port, count, fixture.tokens, sink, from),
  publisher: async (nodes, sink) => clusterPublisher(nodes, fixture.roomId, fixture.tokens, sink),
});

/**
 * The control: bare `ws` broadcast loops, one process alone or two sharing the room through
 * Redis pub/sub (servers/raw-ws.ts). What it costs the bare loop to split the same devices over
 * two processes on this machine is the floor under Confab's ratio.
 */
const rawWsNodes = (fixture: ClusterFixture): NodesSystem => ({
  start: (count) => startRawWsNodes(count, fixture.redis.url),
  connect: (node, count, sink) => rawWsDriver.subscribe(node, count, sink),
  // Every message through the first node: the nodes share no order (two publishers' messages
  // can cross in Redis), one publisher keeps the room's. The CPU summed is the same either way.
  publisher: ([first], sink) => {
    if (!first) throw new Error('No nodes');
    return rawWsDriver.publisher(first, sink);
  },
});

/**
 * The latency pattern (`crossNode` sizes) on `nodes`: the devices split evenly between them
 * (in contiguous shares; users round-robin, so a user's devices sit on both), message i sent
 * through node i mod N. Latency of every delivery, and the CPU of all nodes together from the
 * first measured send until the last delivery, per delivery.
 */
async function measure(
  nodes: readonly ServerHandle[],
  system: NodesSystem,
  fixture: ClusterFixture,
  config: BenchConfig,
): Promise<{ failure: string | undefined; figures: Figures }> {
  const { subscribers, rate, warmupMessages, messages } = config.crossNode;
  const end = warmupMessages + messages;
  const tracker = new Tracker(subscribers, end, { latency: true });
  tracker.recordLatencyFrom = warmupMessages;
  const devices: Connections[] = [];
  let publisher: Publisher | undefined;
  try {
    // Node k holds subscribers [k × share, (k + 1) × share): contiguous ranges for the sink.
    const share = Math.ceil(subscribers / nodes.length);
    for (const [k, node] of nodes.entries()) {
      const from = k * share;
      const count = Math.min(share, subscribers - from);
      if (count <= 0) continue;
      devices.push(await system.connect(node, count, offsetSink(tracker, from), from));
    }
    publisher = await system.publisher(nodes, tracker);
    await publisher.prepare?.({ from: 0, to: end });
    const idle = await startCpuMeter(summedCpu(nodes));
    await sleep(config.crossNodeIdleMs);
    const rest = await idle.read();
    await publishPaced(publisher, tracker, { from: 0, to: warmupMessages }, rate, config.bodyChars);
    if (warmupMessages > 0) await sleep(1000 / rate);
    const meter = await startCpuMeter(summedCpu(nodes));
    const redis0 = await fixture.redis.info();
    const range = { from: warmupMessages, to: end };
    await publishPaced(publisher, tracker, range, rate, config.bodyChars);
    await tracker.waitCompleted(end, config.deliveryTimeoutMs);
    const cpu = await meter.read();
    const redis1 = await fixture.redis.info();
    tracker.verify(end);
    const deliveries = messages * subscribers;
    const samples = tracker.latencySamples();
    return {
      failure: tracker.failure ?? nodesExitReason(nodes),
      figures: {
        p50: percentile(samples, 50),
        p99: percentile(samples, 99),
        cpuUs: (cpu.serverSeconds * 1e6) / deliveries,
        redisCpuUs:
          nodes.length > 1 ? ((redis1.cpuSeconds - redis0.cpuSeconds) * 1e6) / deliveries : 0,
        idleCpuMsPerSec: (rest.serverSeconds * 1000) / rest.seconds,
      },
    };
  } finally {
    await closeAll(publisher, ...devices);
  }
}

/** `onNodes` of one system: its nodes started, measured and stopped. */
const onNodesOf =
  (systemOf: (fixture: ClusterFixture) => NodesSystem) =>
  async (
    count: number,
    fixture: ClusterFixture,
    config: BenchConfig,
  ): Promise<{ failure: string | undefined; figures: Figures }> => {
    const system = systemOf(fixture);
    const nodes = await system.start(count);
    try {
      return await measure(nodes, system, fixture, config);
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  };

const metric = (key: string, label: (c: BenchConfig) => string, digits = 1) =>
  confabOnlyMetric(key, label, digits);

const rateOf = (c: BenchConfig) => `${c.crossNode.rate} msg/s × ${c.crossNode.subscribers} devices`;

/**
 * Cross-node cost: the same devices and sends on one Confab process (in-process bus) and on two
 * through Redis, both on PostgreSQL; each round runs one, then two. Goals (issue 13): p99 on two
 * ≤ 1.2× one node's, server CPU per delivery ≤ 1.1×. The ratios are per round, then the median.
 * Then one node through Redis, which splits the two-node ratio in two: what the Redis bus costs
 * (one node through Redis ÷ one on the in-process bus) and what splitting the devices over two
 * processes costs (two nodes ÷ one through Redis). Then the same devices and sends on bare `ws`
 * broadcast loops (the control): one process, then two through Redis.
 */
export const crossNode: Workload = {
  name: 'cross-node',
  kind: 'own',
  systems: ['confab'],
  optIn: true,
  metrics: [
    metric('oneP50Ms', (c) => `Cross-node: latency p50, ms, one node (${rateOf(c)}) ↓`),
    metric('oneP99Ms', () => '  latency p99, ms, one node ↓'),
    metric('twoP50Ms', () => '  latency p50, ms, two nodes through Redis ↓'),
    metric('twoP99Ms', () => '  latency p99, ms, two nodes through Redis ↓'),
    metric('p99Ratio', () => '  p99 two nodes ÷ one (goal ≤ 1.2) ↓', 2),
    metric('oneCpuUs', () => '  server CPU per delivery, µs, one node ↓'),
    metric('twoCpuUs', () => '  server CPU per delivery, µs, two nodes (sum of both) ↓'),
    metric('cpuRatio', () => '  CPU per delivery two nodes ÷ one (goal ≤ 1.1) ↓', 2),
    metric('redisCpuUs', () => '  Redis CPU per delivery, µs, two nodes (not in the sum)', 2),
    metric('oneRedisCpuUs', () => '  server CPU per delivery, µs, one node through Redis ↓'),
    metric('busCpuRatio', () => '  one node through Redis ÷ on the in-process bus (the bus) ↓', 2),
    metric('splitCpuRatio', () => '  two nodes ÷ one node through Redis (the split) ↓', 2),
    metric('oneIdleCpu', () => '  CPU at rest (devices connected, no sends), ms/s, one node', 2),
    metric('twoIdleCpu', () => '  CPU at rest, ms/s, two nodes (sum of both)', 2),
    metric('rawOneCpuUs', () => '  control, raw ws: server CPU per delivery, µs, one process ↓'),
    metric('rawTwoCpuUs', () => '  raw ws: two processes through Redis (sum of both) ↓'),
    metric('rawCpuRatio', () => '  raw ws: CPU per delivery two ÷ one ↓', 2),
    metric('rawP99Ratio', () => '  raw ws: p99 two ÷ one ↓', 2),
    metric('cpuRatioOverRaw', () => "  Confab's CPU ratio ÷ raw ws's ↓", 2),
  ],
  async run(_driver, config): Promise<WorkloadResult> {
    const confab = await oneThenTwoNodes(config, onNodesOf(confabNodes));
    const throughRedis = await onNodesOf((fixture) => confabNodes(fixture, true))(
      1,
      await clusterFixture(config),
      config,
    );
    const raw = await oneThenTwoNodes(config, onNodesOf(rawWsNodes));
    const { one, two } = confab;
    const oneRedis = throughRedis.figures;
    const failure = [
      confab.failure,
      throughRedis.failure && `one node through Redis: ${throughRedis.failure}`,
      raw.failure && `raw ws: ${raw.failure}`,
    ]
      .filter(Boolean)
      .join('; ');
    const cpuRatio = two.cpuUs / one.cpuUs;
    const rawCpuRatio = raw.two.cpuUs / raw.one.cpuUs;
    return {
      failure: failure || undefined,
      metrics: {
        oneP50Ms: one.p50,
        oneP99Ms: one.p99,
        twoP50Ms: two.p50,
        twoP99Ms: two.p99,
        p99Ratio: two.p99 / one.p99,
        oneCpuUs: one.cpuUs,
        twoCpuUs: two.cpuUs,
        cpuRatio,
        redisCpuUs: two.redisCpuUs,
        oneRedisCpuUs: oneRedis.cpuUs,
        busCpuRatio: oneRedis.cpuUs / one.cpuUs,
        splitCpuRatio: two.cpuUs / oneRedis.cpuUs,
        oneIdleCpu: one.idleCpuMsPerSec,
        twoIdleCpu: two.idleCpuMsPerSec,
        rawOneCpuUs: raw.one.cpuUs,
        rawTwoCpuUs: raw.two.cpuUs,
        rawCpuRatio,
        rawP99Ratio: raw.two.p99 / raw.one.p99,
        cpuRatioOverRaw: cpuRatio / rawCpuRatio,
      },
    };
  },
  dispose: disposeClusterFixture,
};
