import { type ServerHandle, startServer } from './process.js';

export interface ConfabServerOptions {
  /** A SQLite file path or a postgres:// URL (createStoreFromUrl picks the engine). */
  databaseUrl: string;
  /** Per-user write rate; the server's default (10/s, bursts of 20) when absent. */
  sendRate?: { perSecond: number; burst: number };
  /** redis://...: the Redis bus and rate-limit store, as the api process with REDIS_URL. */
  redisUrl?: string;
  /** PostgreSQL pool size (10 when absent), so that many processes fit max_connections. */
  postgresPool?: number;
  /** How late a WebSocket's pong may be before the server drops it (the server's 5 s if absent). */
  wsPongWaitMs?: number;
}

/** Forks src/servers/confab.ts on `databaseUrl`; its CPU is read from /proc. */
export function startConfabServer(options: ConfabServerOptions): Promise<ServerHandle> {
  const args = [options.databaseUrl];
  if (options.sendRate) {
    const { perSecond, burst } = options.sendRate;
    args.push('--send-rate', String(perSecond), '--send-burst', String(burst));
  }
  if (options.redisUrl) args.push('--redis', options.redisUrl);
  if (options.postgresPool !== undefined) args.push('--pg-pool', String(options.postgresPool));
  if (options.wsPongWaitMs !== undefined)
    args.push('--ws-pong-wait-ms', String(options.wsPongWaitMs));
  return startServer('confab', { args, cpuFrom: 'proc' });
}
