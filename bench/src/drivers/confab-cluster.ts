import type { BenchConfig } from '../config.js';
import { createRoomOf, registerUsers } from './confab-fixture.js';
import { startConfabServer } from './confab-server.js';
import { wsPublisher } from './confab-ws-publisher.js';
import { type BenchDatabase, createPostgresDatabase } from './postgres.js';
import { type ServerHandle, startAll } from './process.js';
import { type BenchRedis, startBenchRedis } from './redis.js';
import type { Publisher, Sink } from './types.js';

/** What the cluster workloads share for the whole bench: one PostgreSQL database and a Redis. */
export interface ClusterFixture {
  database: BenchDatabase;
  redis: BenchRedis;
  /** Session tokens of the registered users; all are members of `roomId`. */
  tokens: string[];
  roomId: string;
}

let made: Promise<ClusterFixture> | undefined;

/**
 * The fixture, made on first use: a fresh database, a private redis-server, `confabUsers` users
 * (at least `sends.senders`) registered through two nodes at once (each registration is a
 * scrypt hash: two processes use both cores) and a public room they all joined.
 */
export function clusterFixture(config: BenchConfig): Promise<ClusterFixture> {
  const users = Math.max(config.confabUsers, config.sends.senders);
  made ??= (async () => {
    const database = await createPostgresDatabase();
    const redis = await startBenchRedis().catch(async (error: unknown) => {
      await database.drop();
      throw error;
    });
    try {
      const nodes = await startNodes(2, { databaseUrl: database.url, redisUrl: redis.url });
      try {
        const halves = await Promise.all(
          nodes.map((node, k) =>
            registerUsers(`http://127.0.0.1:${node.port}`, Math.ceil((users - k) / 2), `n${k}`),
          ),
        );
        const tokens = halves.flat();
        const roomId = await createRoomOf(`http://127.0.0.1:${nodes[0]?.port}`, tokens);
        return { database, redis, tokens, roomId };
      } finally {
        await Promise.all(nodes.map((n) => n.stop()));
      }
    } catch (error) {
      await redis.stop();
      await database.drop();
      throw error;
    }
  })();
  return made;
}

/** Drops the database and stops Redis, if they were made. */
export async function disposeClusterFixture(): Promise<void> {
  const fixture = made;
  made = undefined;
  if (!fixture) return;
  const settled = await Promise.allSettled([fixture]);
  if (settled[0]?.status !== 'fulfilled') return;
  await settled[0].value.redis.stop();
  await settled[0].value.database.drop();
}

export interface NodeOptions {
  databaseUrl: string;
  /** Absent: the in-process bus (a one-node deployment). */
  redisUrl?: string;
  postgresPool?: number;
  sendRate?: { perSecond: number; burst: number };
  wsPongWaitMs?: number;
}

/** `count` Confab processes on one database (and Redis), started at once. */
export async function startNodes(count: number, options: NodeOptions): Promise<ServerHandle[]> {
  return startAll(count, () => startConfabServer(options));
}

/** CPU of several processes as one: the sum of their user + system time. */
export function summedCpu(nodes: readonly ServerHandle[]): Pick<ServerHandle, 'cpuMicros'> {
  return {
    cpuMicros: async () =>
      (await Promise.all(nodes.map((n) => n.cpuMicros()))).reduce((a, b) => a + b, 0),
  };
}

/** Why the first node that went away did, if one did. */
export const nodesExitReason = (nodes: readonly ServerHandle[]): string | undefined =>
  nodes.map((n) => n.exitReason()).find((r) => r !== undefined);

/**
 * Posts `message.send` into `roomId` over HTTP, message i through node i mod N (senders on
 * every node) and as user i mod users (the per-user send limit), as confabDriver's publisher.
 */
export function clusterPublisher(
  nodes: readonly ServerHandle[],
  roomId: string,
  tokens: readonly string[],
  sink: Sink,
): Publisher {
  return wsPublisher(
    nodes.map((n) => n.port),
    roomId,
    (index) => tokens[index % tokens.length] ?? '',
    sink,
  );
}
