import type { BenchConfig } from '../config.js';
import {
  clusterFixture,
  clusterPublisher,
  disposeClusterFixture,
  nodesExitReason,
  startNodes,
  summedCpu,
} from '../drivers/confab-cluster.js';
import type { ServerHandle } from '../drivers/process.js';
import type { Publisher } from '../drivers/types.js';
import { type LoadClient, LoadClientPool } from '../load-client/pool.js';
import { procCpuMicros, procOpenFiles, procRssBytes } from '../proc.js';
import { confabOnlyMetric as metric } from './cluster-rounds.js';
import { send, sleep } from './common.js';
import { startCpuMeter } from './cpu-meter.js';
import { Tracker } from './tracker.js';
import type { Workload, WorkloadResult } from './types.js';

/** Longest one step may take (every load client connecting `step` devices at once). */
const STEP_TIMEOUT_MS = 300_000;
/** Longest the broadcasts may take to reach every device. */
const BROADCAST_TIMEOUT_MS = 120_000;

/** Its own load clients, apart from max-devices' (they hold other connections). */
const pool = new LoadClientPool();

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const epochNow = () => performance.timeOrigin + performance.now();

/** Server RSS of every node together, after a full GC in each. */
async function nodesRss(nodes: readonly ServerHandle[]): Promise<number> {
  await Promise.all(nodes.map((n) => n.gc()));
  return sum(await Promise.all(nodes.map((n) => n.rssBytes())));
}

/** Connects every load client's share, `step` at a time, all clients at once each step. */
async function climb(
  clients: readonly LoadClient[],
  nodes: readonly ServerHandle[],
  tokens: readonly string[],
  config: BenchConfig,
): Promise<{ held: number; note: string | undefined }> {
  const { target, step, messages } = config.clusterDevices;
  const share = Math.ceil(target / clients.length);
  const held = clients.map(() => 0);
  for (;;) {
    const counts = held.map((h, k) =>
      Math.max(0, Math.min(step, share - h, target - k * share - h)),
    );
    if (sum(counts) === 0) return { held: sum(held), note: undefined };
    const replies = await Promise.all(
      clients.map(async (client, k) => {
        const count = counts[k] ?? 0;
        const node = nodes[k % nodes.length];
        if (count === 0 || !node) return undefined;
        const reply = await client
          .ask(
            {
              type: 'connect',
              system: 'confab',
              port: node.port,
              count,
              messages,
              tokens: [...tokens],
              // Device d of the cluster is user d mod users.
              firstToken: (k * share + (held[k] ?? 0)) % tokens.length,
              localAddress: `127.0.0.${k + 2}`,
            },
            'connected',
            STEP_TIMEOUT_MS,
          )
          .catch((error: unknown) => ({ failure: message(error) }));
        if (reply.failure) return `load client ${k + 1}: ${reply.failure}`;
        held[k] = (held[k] ?? 0) + count;
        return undefined;
      }),
    );
    const failure = replies.find(Boolean) ?? nodesExitReason(nodes);
    if (failure) {
      // A failed step leaves its devices half-connected: stop counting there.
      return { held: sum(held), note: `stopped at ${sum(held)} devices: ${failure}` };
    }
  }
}

/**
 * Many WebSocket devices on several Confab processes (PostgreSQL + Redis) on this one machine,
 * and broadcasts reaching every one of them. Node k gets its devices from load client k, from
 * source address 127.0.0.(k + 2): each process stays under the 20,000 open-file limit and each
 * source address has its own range of ephemeral ports. The devices connect `step` per load
 * client at a time; a failed step ends the climb (the figures are then of what was reached, and
 * the note says what stopped it). Then `messages` messages are sent at once through node 1 and
 * every device must get each exactly once, in order. Figures: devices held, server RSS per
 * device (every node after a GC, minus before any connected), time from the send until the
 * last device had message 1 and all of them.
 */
export const clusterDevices: Workload = {
  name: 'cluster-devices',
  kind: 'own',
  systems: ['confab'],
  optIn: true,
  once: true,
  metrics: [
    metric(
      'devices',
      (c) =>
        `Cluster: concurrent WebSocket devices held (target ${c.clusterDevices.target.toLocaleString('en-US')} on ${c.clusterDevices.nodes} nodes; round 1 only) ↑`,
    ),
    metric('rssKiB', () => '  server RSS per device (all nodes), KiB ↓', 1),
    metric('redisRssMiB', () => '  Redis RSS there, MiB', 1),
    metric('loadClientRssKiB', () => '  load-client RSS per device, KiB', 1),
    metric('maxServerFiles', () => '  most open files of one node (limit 20,000)'),
    metric('connectSeconds', () => '  s to connect them all', 1),
    metric('firstMs', () => '  ms from the send until the last device had broadcast 1 ↓'),
    metric('allMs', (c) => `  ms until the last device had all ${c.clusterDevices.messages} ↓`),
    metric(
      'broadcastServerCpuSeconds',
      () => '  CPU s of all nodes meanwhile (until every load client had verified)',
      2,
    ),
    metric('broadcastClientsCpuSeconds', () => '  CPU s of all load clients meanwhile', 2),
    metric('lost', () => '  deliveries lost (must be 0)'),
    metric(
      'pongWaitMs',
      () => "  the nodes' WebSocket pong deadline, ms (the server's default: 5,000)",
    ),
  ],
  async run(_driver, config): Promise<WorkloadResult> {
    const sizes = config.clusterDevices;
    const fixture = await clusterFixture(config);
    const nodes = await startNodes(sizes.nodes, {
      databaseUrl: fixture.database.url,
      redisUrl: fixture.redis.url,
      postgresPool: sizes.postgresPool,
      ...(sizes.pongWaitMs === undefined ? {} : { wsPongWaitMs: sizes.pongWaitMs }),
    });
    const publishing = new Tracker(0, sizes.messages);
    let publisher: Publisher | undefined;
    try {
      const clients = await pool.take(sizes.nodes);
      const rss0 = await nodesRss(nodes);
      const t0 = performance.now();
      const { held, note } = await climb(clients, nodes, fixture.tokens, config);
      const connectSeconds = (performance.now() - t0) / 1000;
      if (held === 0) return { failure: note ?? 'no device connected', metrics: {} };
      await sleep(sizes.settleMs);
      const rss = await nodesRss(nodes);
      const redis = await fixture.redis.info();
      const files = await Promise.all(nodes.map((n) => procOpenFiles(n.pid)));
      const clientRss = await Promise.all(clients.map((c) => procRssBytes(c.pid)));

      // All at once through node 1: each node hears them from Redis and writes to its devices.
      const first = nodes[0];
      if (!first) throw new Error('No nodes');
      publisher = clusterPublisher([first], fixture.roomId, fixture.tokens, publishing);
      // What the broadcast cost: a long one on a busy machine says whose CPU it waited for.
      const clientsCpu = async () =>
        sum(await Promise.all(clients.map((c) => procCpuMicros(c.pid))));
      const meter = await startCpuMeter(summedCpu(nodes));
      const clientsCpu0 = await clientsCpu();
      const sentAt = epochNow();
      for (let i = 0; i < sizes.messages; i++) send(publisher, publishing, i, config.bodyChars);
      const verified = await Promise.all(
        clients.map((c) =>
          c
            .ask(
              { type: 'verify', messages: sizes.messages, timeoutMs: BROADCAST_TIMEOUT_MS },
              'verified',
              BROADCAST_TIMEOUT_MS * 2,
            )
            .catch((error: unknown) => ({ failure: message(error), completedAtMs: [] })),
        ),
      );
      const cpu = await meter.read();
      const clientsSeconds = ((await clientsCpu()) - clientsCpu0) / 1e6;
      const lastAt = (i: number) =>
        Math.max(...verified.map((v) => v.completedAtMs[i] ?? Number.NaN));
      const failure =
        publishing.failure ?? verified.find((v) => v.failure)?.failure ?? nodesExitReason(nodes);
      return {
        failure: failure && note ? `${failure} (${note})` : failure,
        note,
        metrics: {
          devices: held,
          rssKiB: (rss - rss0) / held / 1024,
          redisRssMiB: redis.rssBytes / 1024 ** 2,
          loadClientRssKiB: sum(clientRss) / held / 1024,
          maxServerFiles: Math.max(...files),
          connectSeconds,
          firstMs: lastAt(0) - sentAt,
          allMs: Math.max(...Array.from({ length: sizes.messages }, (_, i) => lastAt(i))) - sentAt,
          broadcastServerCpuSeconds: cpu.serverSeconds,
          broadcastClientsCpuSeconds: clientsSeconds,
          // Verified above: any loss fails the run, so a figure here means none was lost.
          lost: 0,
          pongWaitMs: sizes.pongWaitMs ?? 5000,
        },
      };
    } finally {
      await publisher?.close();
      await pool.release();
      await Promise.all(nodes.map((n) => n.stop()));
    }
  },
  dispose: async () => {
    await pool.dispose();
    await disposeClusterFixture();
  },
};
