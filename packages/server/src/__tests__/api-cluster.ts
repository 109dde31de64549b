import { type ApiProcess, buildApiBundle, startApi } from './api-process.js';
import { postgresDatabase, type TestDatabase } from './databases.js';
import { freeLoopbackPort, startRedisServer, type TestRedisServer } from './redis-server.js';

/** Several built API processes on one fresh PostgreSQL database and a private Redis. */
export interface ApiCluster {
  nodes: ApiProcess[];
  db: TestDatabase;
  redis: TestRedisServer;
  /** Ends the processes (SIGTERM, waited for), then Redis, the database and the bundle. */
  stop(): Promise<void>;
}

/**
 * Starts `count` API processes of a bundle of their own (`name`), each on a free loopback
 * port with `DATABASE_URL` and `REDIS_URL` set, plus `env`. One after the other: the first one
 * runs the migrations.
 */
export async function startApiCluster(
  name: string,
  count: number,
  env: Record<string, string> = {},
): Promise<ApiCluster> {
  const bundle = await buildApiBundle(name);
  const db = await postgresDatabase();
  const redis = await startRedisServer();
  const nodes: ApiProcess[] = [];
  const stop = async () => {
    for (const node of nodes) node.child.kill('SIGTERM');
    await Promise.all(nodes.map((node) => node.exited));
    await redis.stop();
    await db.drop();
    bundle.remove();
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = String(await freeLoopbackPort());
      nodes.push(
        await startApi(bundle.path, {
          PORT: port,
          DATABASE_URL: db.url,
          REDIS_URL: redis.url,
          ...env,
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, db, redis, stop };
}
