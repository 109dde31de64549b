import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base } from '@playwright/test';
import { type ApiProcess, startApi } from '../../packages/server/src/__tests__/api-process';
import { postgresDatabase } from '../../packages/server/src/__tests__/databases';
import { startNginx } from '../../packages/server/src/__tests__/nginx';
import {
  freeLoopbackPort,
  startRedisServer,
} from '../../packages/server/src/__tests__/redis-server';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A node of the cluster: an API process behind nginx. */
export interface ClusterNode {
  pid: number;
  port: number;
  /** SIGKILL, as a crash would; resolves once it is gone. */
  kill(): Promise<void>;
}

export interface Cluster {
  /** nginx: the only address the browsers use. */
  url: string;
  nodes: ClusterNode[];
}

/**
 * Each test gets a cluster of its own (it may kill nodes): `nodes` API processes (the built
 * apps/api, serving the built apps/web) on a fresh PostgreSQL database and a private
 * redis-server, behind nginx rendered from deploy/nginx.conf; the pages' baseURL is nginx.
 */
export const test = base.extend<{ nodeCount: number; cluster: Cluster }>({
  nodeCount: 2,
  cluster: async ({ nodeCount }, use) => {
    const db = await postgresDatabase();
    const redis = await startRedisServer();
    const processes: ApiProcess[] = [];
    try {
      for (let i = 0; i < nodeCount; i++) {
        processes.push(
          await startApi(resolve(root, 'apps/api/dist/main.js'), {
            PORT: String(await freeLoopbackPort()),
            DATABASE_URL: db.url,
            REDIS_URL: redis.url,
            TRUST_PROXY: 'true',
            WEB_DIST: resolve(root, 'apps/web/dist'),
            // Every user signs up from 127.0.0.1, as in playwright.config.ts.
            RATE_LIMITS: JSON.stringify({
              registerPerAddress: { points: 100_000, windowMs: 60_000 },
              loginPerAddress: { points: 100_000, windowMs: 60_000 },
              publicPerAddress: { points: 100_000, windowMs: 60_000 },
            }),
          }),
        );
      }
      const nginx = await startNginx({ upstreams: processes.map((p) => new URL(p.url).host) });
      try {
        await use({
          url: nginx.url,
          nodes: processes.map((p) => ({
            pid: p.child.pid ?? 0,
            port: Number(new URL(p.url).port),
            async kill() {
              p.child.kill('SIGKILL');
              await p.exited;
            },
          })),
        });
      } finally {
        await nginx.stop();
      }
    } finally {
      for (const p of processes) {
        if (p.child.exitCode === null && p.child.signalCode === null) {
          p.child.kill('SIGTERM');
          await p.exited;
        }
      }
      await redis.stop();
      await db.drop();
    }
  },
  baseURL: async ({ cluster }, use) => use(cluster.url),
});
export { expect } from '@playwright/test';
