import { parseArgs } from 'node:util';

/** The systems the bench can run, in the order each round runs them. */
export const SYSTEM_NAMES = ['confab', 'raw-ws', 'socketio', 'trpc-naive'] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];

export interface FanoutSizes {
  subscribers: number;
  /** Closed loop: at most this many messages published but not yet delivered to everyone. */
  window: number;
  /** Unmeasured messages first, so every system runs warm. */
  warmupMessages: number;
  /** The measured phase publishes for this long... */
  durationMs: number;
  /** ...or until this many messages, whichever comes first. */
  maxMessages: number;
}

export interface PacedSizes {
  subscribers: number;
  /** Messages per second published into the room. */
  rate: number;
  warmupMessages: number;
  messages: number;
}

/** The latency pattern with part of the subscribers on the system's official client. */
export interface OfficialSampleSizes extends PacedSizes {
  /** How many of `subscribers` use the official client (the rest the bench's cheap one). */
  officialClients: number;
}

export interface RssSizes {
  devices: number;
  /** Wait after the last device connected before reading RSS. */
  settleMs: number;
  /** rss-waves: the devices connect in this many waves... */
  waves: number;
  /** ...this long apart. */
  wavePauseMs: number;
}

export interface SendSizes {
  /** Users sending at once, each in a closed loop: send, await the acknowledgement, send again. */
  senders: number;
  /** Sends before the measured window (connections, JIT and caches warm up). */
  warmupMs: number;
  durationMs: number;
  /** Connections of the raw PostgreSQL driver's pool (as many as Confab's store pool). */
  postgresPool: number;
}

export interface ResumeStormSizes {
  /** Devices that reconnect at once after the restart. */
  devices: number;
  /** Messages each missed while the server was restarting. */
  missed: number;
}

export interface MaxDevicesSizes {
  /** Devices to reach, `step` at a time, the load-client processes taking turns. */
  target: number;
  step: number;
  /**
   * Load-client processes; each holds target / processes devices, so each stays under the
   * per-process open-file limit (20,000 here).
   */
  processes: number;
  /** Messages published to everyone once the devices are connected. */
  messages: number;
  /** Wait after the last device connected before reading RSS. */
  settleMs: number;
}

export interface ClusterDevicesSizes {
  /** Devices to reach, spread evenly over the nodes. */
  target: number;
  /**
   * Confab processes on one PostgreSQL and Redis, and as many load-client processes (load
   * client k holds node k's devices, from source address 127.0.0.(k + 2)): each process stays
   * under the 20,000 open-file limit with target / nodes devices.
   */
  nodes: number;
  /** Devices each load client connects per step (all load clients at once). */
  step: number;
  /** PostgreSQL connections per node (nodes × this must fit max_connections, 100 by default). */
  postgresPool: number;
  /** Broadcasts sent to everyone once the devices are connected. */
  messages: number;
  /** Wait after the last device connected before reading RSS. */
  settleMs: number;
  /**
   * The nodes' WebSocket pong deadline when set (`--cluster-pong-wait-ms`); the server's own
   * (5 s) otherwise. On a machine this overloaded, a process starved of CPU for 5 s drops sockets.
   */
  pongWaitMs?: number;
}

export interface BenchConfig {
  /** Quick mode: tiny sizes, integrity only (figures are printed but mean nothing). */
  quick: boolean;
  rounds: number;
  systems: SystemName[];
  /** Only the workloads with these names; all when undefined. */
  workloads: string[] | undefined;
  /** Characters of message body (the JSON a peer sends is ~200 bytes with its fields). */
  bodyChars: number;
  /** Fan-out over WebSocket, and Confab's over SSE (fanout-sse): the same sizes. */
  fanout: FanoutSizes;
  cpu: PacedSizes;
  latency: PacedSizes;
  /** Latency at a rate that loads every system (100 msg/s × 1000 subs in the issue). */
  latency100: PacedSizes;
  officialSample: OfficialSampleSizes;
  rss: RssSizes;
  sends: SendSizes;
  resumeStorm: ResumeStormSizes;
  maxDevices: MaxDevicesSizes;
  /** Cross-node latency and CPU: the latency pattern on one node, then on two through Redis. */
  crossNode: PacedSizes;
  /**
   * How long cross-node measures the nodes' CPU at rest: at least one period of the Redis
   * stream-slot renewal (10 s) and two presence heartbeats (5 s), which run whatever the rate.
   */
  crossNodeIdleMs: number;
  /** Many devices on several nodes (cluster-devices). Cluster sends use `sends`' sizes. */
  clusterDevices: ClusterDevicesSizes;
  /**
   * Users Confab's fixture registers (each registration hashes a password with scrypt, ~0.1 s
   * of CPU). Devices are spread round-robin over them, and so are sends: the server allows each
   * user 10 sends/s (burst 20), so this bounds the publish rate at 10 × confabUsers msg/s.
   */
  confabUsers: number;
  /** A run that has not delivered everything this long after its last publish fails. */
  deliveryTimeoutMs: number;
  /** Where the full run writes its table; none in quick mode. */
  resultsPath: string | undefined;
}

export const FULL: Omit<BenchConfig, 'resultsPath'> = {
  quick: false,
  rounds: 3,
  systems: [...SYSTEM_NAMES],
  workloads: undefined,
  bodyChars: 120,
  fanout: {
    subscribers: 1000,
    window: 32,
    warmupMessages: 40,
    durationMs: 5000,
    maxMessages: 100_000,
  },
  cpu: { subscribers: 1000, rate: 10, warmupMessages: 10, messages: 80 },
  latency: { subscribers: 1000, rate: 10, warmupMessages: 20, messages: 100 },
  // 300 messages (300,000 deliveries) bound the run where a system cannot keep up: it then
  // takes as long as the backlog, which must drain within deliveryTimeoutMs.
  latency100: { subscribers: 1000, rate: 100, warmupMessages: 50, messages: 250 },
  officialSample: {
    subscribers: 1000,
    officialClients: 50,
    rate: 10,
    warmupMessages: 20,
    messages: 100,
  },
  rss: { devices: 10_000, settleMs: 2000, waves: 10, wavePauseMs: 300 },
  sends: { senders: 100, warmupMs: 1000, durationMs: 4000, postgresPool: 10 },
  resumeStorm: { devices: 5000, missed: 50 },
  maxDevices: { target: 19_500, step: 1625, processes: 4, messages: 5, settleMs: 2000 },
  crossNode: { subscribers: 1000, rate: 10, warmupMessages: 20, messages: 100 },
  crossNodeIdleMs: 10_000,
  clusterDevices: {
    target: 100_000,
    nodes: 6,
    step: 1000,
    postgresPool: 3,
    messages: 3,
    settleMs: 2000,
  },
  confabUsers: 200,
  deliveryTimeoutMs: 30_000,
};

export const QUICK: Omit<BenchConfig, 'resultsPath'> = {
  quick: true,
  rounds: 1,
  systems: [...SYSTEM_NAMES],
  workloads: undefined,
  bodyChars: 120,
  fanout: { subscribers: 50, window: 8, warmupMessages: 0, durationMs: 5000, maxMessages: 20 },
  cpu: { subscribers: 50, rate: 200, warmupMessages: 0, messages: 20 },
  latency: { subscribers: 50, rate: 200, warmupMessages: 0, messages: 20 },
  latency100: { subscribers: 50, rate: 200, warmupMessages: 0, messages: 20 },
  officialSample: {
    subscribers: 50,
    officialClients: 5,
    rate: 200,
    warmupMessages: 0,
    messages: 20,
  },
  rss: { devices: 50, settleMs: 50, waves: 5, wavePauseMs: 20 },
  sends: { senders: 3, warmupMs: 20, durationMs: 120, postgresPool: 2 },
  resumeStorm: { devices: 20, missed: 5 },
  maxDevices: { target: 40, step: 10, processes: 2, messages: 3, settleMs: 50 },
  crossNode: { subscribers: 40, rate: 100, warmupMessages: 0, messages: 10 },
  crossNodeIdleMs: 200,
  clusterDevices: { target: 40, nodes: 2, step: 10, postgresPool: 2, messages: 2, settleMs: 50 },
  confabUsers: 10,
  deliveryTimeoutMs: 10_000,
};

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

/**
 * `--quick`, `--rounds N`, `--subscribers N` (every fan-out workload), `--devices N` (RSS),
 * `--duration-ms N` (fan-out, SSE too), `--messages N` (CPU and every latency workload),
 * `--systems a,b`, `--workloads a,b`,
 * `--confab-users N`, `--senders N`, `--sends-warmup-ms N` and `--sends-window-ms N` (sends/s),
 * `--storm-devices N` (resume storm),
 * `--max-devices N` (the max-devices target), `--cluster-devices N` (the cluster-devices
 * target), `--cluster-nodes N` (its nodes and load clients), `--out FILE`.
 */
export function configFromArgs(argv: string[], defaultResultsPath: string): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      subscribers: { type: 'string' },
      devices: { type: 'string' },
      'duration-ms': { type: 'string' },
      messages: { type: 'string' },
      systems: { type: 'string' },
      workloads: { type: 'string' },
      'confab-users': { type: 'string' },
      senders: { type: 'string' },
      'sends-warmup-ms': { type: 'string' },
      'sends-window-ms': { type: 'string' },
      'storm-devices': { type: 'string' },
      'max-devices': { type: 'string' },
      'cluster-devices': { type: 'string' },
      'cluster-nodes': { type: 'string' },
      'cluster-pong-wait-ms': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const base = values.quick ? QUICK : FULL;
  const config: BenchConfig = {
    ...base,
    fanout: { ...base.fanout },
    cpu: { ...base.cpu },
    latency: { ...base.latency },
    latency100: { ...base.latency100 },
    officialSample: { ...base.officialSample },
    rss: { ...base.rss },
    sends: { ...base.sends },
    resumeStorm: { ...base.resumeStorm },
    maxDevices: { ...base.maxDevices },
    crossNode: { ...base.crossNode },
    clusterDevices: { ...base.clusterDevices },
    resultsPath: values.quick ? values.out : (values.out ?? defaultResultsPath),
  };
  config.rounds = positive('rounds', values.rounds) ?? config.rounds;
  const subscribers = positive('subscribers', values.subscribers);
  if (subscribers !== undefined) {
    const sized = [
      config.fanout,
      config.cpu,
      config.latency,
      config.latency100,
      config.officialSample,
    ];
    for (const w of sized) w.subscribers = subscribers;
  }
  config.rss.devices = positive('devices', values.devices) ?? config.rss.devices;
  config.confabUsers = positive('confab-users', values['confab-users']) ?? config.confabUsers;
  config.sends.senders = positive('senders', values.senders) ?? config.sends.senders;
  // Sends/s vary by ±40% between 4 s windows on a 2-core machine; pairs of runs need longer ones.
  config.sends.warmupMs =
    positive('sends-warmup-ms', values['sends-warmup-ms']) ?? config.sends.warmupMs;
  config.sends.durationMs =
    positive('sends-window-ms', values['sends-window-ms']) ?? config.sends.durationMs;
  config.resumeStorm.devices =
    positive('storm-devices', values['storm-devices']) ?? config.resumeStorm.devices;
  config.maxDevices.target =
    positive('max-devices', values['max-devices']) ?? config.maxDevices.target;
  config.clusterDevices.target =
    positive('cluster-devices', values['cluster-devices']) ?? config.clusterDevices.target;
  config.clusterDevices.nodes =
    positive('cluster-nodes', values['cluster-nodes']) ?? config.clusterDevices.nodes;
  const pongWaitMs = positive('cluster-pong-wait-ms', values['cluster-pong-wait-ms']);
  if (pongWaitMs !== undefined) config.clusterDevices.pongWaitMs = pongWaitMs;
  config.fanout.durationMs =
    positive('duration-ms', values['duration-ms']) ?? config.fanout.durationMs;
  const messages = positive('messages', values.messages);
  if (messages !== undefined) {
    for (const w of [config.cpu, config.latency, config.latency100, config.officialSample])
      w.messages = messages;
  }
  if (values.workloads !== undefined)
    config.workloads = values.workloads.split(',').map((w) => w.trim());
  if (values.systems !== undefined) {
    const wanted = values.systems.split(',').map((s) => s.trim());
    const unknown = wanted.filter((s) => !(SYSTEM_NAMES as readonly string[]).includes(s));
    if (unknown.length > 0) throw new Error(`Unknown system(s): ${unknown.join(', ')}`);
    config.systems = SYSTEM_NAMES.filter((s) => wanted.includes(s));
  }
  return config;
}
