import type { SendResult } from '@confab/contracts';
import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import { record } from '../../../client/src/__tests__/recorder.js';
import { type ChatClient, createChatClient, type Transport } from '../../../client/src/index.js';
import { type ApiProcess, buildApiBundle, startApi } from '../__tests__/api-process.js';
import { postgresDatabase, type TestDatabase } from '../__tests__/databases.js';
import { startNginx, type TestNginx } from '../__tests__/nginx.js';
import { connectionsHeld } from '../__tests__/proc-connections.js';
import {
  freeLoopbackPort,
  startRedisServer,
  type TestRedisServer,
} from '../__tests__/redis-server.js';

const METRICS_TOKEN = 'cluster-test-metrics-token';

/** One API process of the cluster: its port stays the same across restarts. */
export interface ClusterNode {
  port: number;
  process: ApiProcess;
}

/**
 * Three (or `size`) built API processes on one PostgreSQL database and a private Redis, behind
 * nginx from deploy/nginx.conf, with the settings deploy/confab.env gives them.
 */
export async function startNginxCluster(name: string, size = 3) {
  const bundle = await buildApiBundle(name);
  const db: TestDatabase = await postgresDatabase();
  const redis: TestRedisServer = await startRedisServer();
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    // As deploy/confab.env: the client's address is the last X-Forwarded-For hop, and every
    // connection comes from nginx, so the per-address cap is nginx's job.
    TRUST_PROXY: 'true',
    // Every test user comes from 127.0.0.1; the send limit has tests of its own.
    RATE_LIMITS: JSON.stringify({ registerPerAddress: { points: 10_000, windowMs: 60_000 } }),
    SENDS_PER_SECOND: '100000',
    SEND_BURST: '100000',
    // Each node says how many device streams it holds (pushStreamsPerNode).
    METRICS_TOKEN: METRICS_TOKEN,
  };
  const nodes: ClusterNode[] = [];
  let nginx: TestNginx | undefined;
  /** Stops what has started: also when starting fails part way (nginx missing, a node not up). */
  async function stopAll(): Promise<void> {
    await nginx?.stop();
    for (const { process } of nodes)
      if (process.child.exitCode === null && process.child.signalCode === null)
        process.child.kill('SIGTERM');
    await Promise.all(nodes.map(({ process }) => process.exited));
    await redis.stop();
    await db.drop();
    bundle.remove();
  }
  try {
    // One after the other: the first one runs the migrations.
    for (let i = 0; i < size; i++) {
      const port = await freeLoopbackPort();
      nodes.push({ port, process: await startApi(bundle.path, { ...env, PORT: String(port) }) });
    }
    nginx = await startNginx({ upstreams: nodes.map((node) => `127.0.0.1:${node.port}`) });
  } catch (error) {
    await stopAll();
    throw error;
  }

  return {
    nginx,
    redis,
    nodes,
    /** Starts node `i` again on its port (after it exited) and resolves once it listens. */
    async restart(i: number): Promise<void> {
      const node = nodes[i];
      if (!node) throw new Error(`no node ${i}`);
      node.process = await startApi(bundle.path, { ...env, PORT: String(node.port) });
    },
    /**
     * WebSocket and SSE device streams each node holds, from its /metrics: the devices a
     * node's death cuts off. (A long poll in flight is resent by nginx to another node, and
     * its device never notices.) 0 for a node that is not running.
     */
    async pushStreamsPerNode(): Promise<number[]> {
      return Promise.all(
        nodes.map(async ({ process }) => {
          if (process.child.exitCode !== null || process.child.signalCode !== null) return 0;
          const response = await fetch(`${process.url}/metrics`, {
            headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
          });
          const text = await response.text();
          let streams = 0;
          for (const match of text.matchAll(
            /^confab_connected_devices\{transport="(?:ws|sse)"\} (\d+)$/gm,
          ))
            streams += Number(match[1]);
          return streams;
        }),
      );
    },
    /** Established connections each node holds on its port (nginx's, for devices and calls). */
    connectionsPerNode(): number[] {
      return nodes.map(({ process, port }) =>
        process.child.exitCode === null && process.child.signalCode === null && process.child.pid
          ? connectionsHeld(process.child.pid, port)
          : 0,
      );
    },
    stop: stopAll,
  };
}
export type NginxCluster = Awaited<ReturnType<typeof startNginxCluster>>;

/** Registers a user through `url`; returns the token. */
export async function register(url: string, username: string): Promise<string> {
  const anonymous = createChatClient({ url, autoConnect: false });
  try {
    const auth = await anonymous.api.auth.register.mutate({
      username,
      displayName: username,
      password: 'correct horse battery',
    });
    return auth.token;
  } finally {
    anonymous.close();
  }
}

/** An SDK client as a Node app builds it, with quick reconnects so cuts do not slow the suite. */
export function sdkClient(
  url: string,
  token: string,
  options: { transport?: Transport; autoConnect?: boolean } = {},
): ChatClient {
  return createChatClient({
    url,
    token,
    WebSocket,
    EventSource,
    backoff: { minDelayMs: 100, maxDelayMs: 1_000 },
    // Generous: three processes, nginx and the test share two loaded cores.
    connectTimeoutMs: 10_000,
    pollWaitMs: 2_000,
    ...options,
  });
}

/** What one SDK client delivered and every state it went through. */
export function recordDevice(client: ChatClient) {
  const recorder = record(client);
  return {
    ...recorder,
    client,
    /** The room's messages as delivered: seq and body, in delivery order. */
    messages: (roomId: string) =>
      recorder
        .roomEvents(roomId)
        .flatMap((e) =>
          e.type === 'message.created' ? [{ seq: e.seq, body: e.message.body }] : [],
        ),
    // A failure guard, not a speed: three processes, nginx and the test share two loaded cores.
    connected: () => recorder.until(() => client.state === 'connected', 'connected', 60_000),
  };
}
export type DeviceRecord = ReturnType<typeof recordDevice>;

/** An acknowledged send: the seq the server gave it and its body. */
export interface Acknowledged {
  seq: number;
  body: string;
}

/**
 * Sends `bodies` into a room from `senders`, each sending one message at a time (through its
 * SDK outbox, which retries a send with no answer), so at most `senders.length` are in flight.
 * `onAcknowledged` runs after each; failures are collected, not thrown. With `stop`, no send
 * starts once it returns true (the bodies left are not sent).
 */
export async function sendAll(
  senders: readonly ChatClient[],
  roomId: string,
  bodies: readonly string[],
  options: { onAcknowledged?: (total: number) => void; stop?: () => boolean } = {},
): Promise<{ acknowledged: Acknowledged[]; failed: { body: string; error: unknown }[] }> {
  const acknowledged: Acknowledged[] = [];
  const failed: { body: string; error: unknown }[] = [];
  const stopped = options.stop ?? (() => false);
  let next = 0;
  await Promise.all(
    senders.map(async (sender) => {
      for (let i = next++; i < bodies.length && !stopped(); i = next++) {
        const body = bodies[i] ?? '';
        try {
          const result: SendResult = await sender.send({ roomId, body, clientMsgId: body });
          acknowledged.push({ seq: result.seq, body });
          options.onAcknowledged?.(acknowledged.length);
        } catch (error) {
          failed.push({ body, error });
        }
      }
    }),
  );
  return { acknowledged: acknowledged.sort((a, b) => a.seq - b.seq), failed };
}
