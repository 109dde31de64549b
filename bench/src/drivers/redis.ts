import { connect } from 'node:net';
import {
  startRedisServer,
  type TestRedisServer,
} from '../../../packages/server/src/__tests__/redis-server.js';

/** A private redis-server for the cluster workloads, and what it used. */
export interface BenchRedis {
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** The INFO fields the bench reports (CPU seconds, RSS), read from the server. */
  info(): Promise<RedisUse>;
  stop(): Promise<void>;
}

export interface RedisUse {
  /** used_cpu_user + used_cpu_sys, seconds since it started. */
  cpuSeconds: number;
  /** used_memory_rss, bytes. */
  rssBytes: number;
}

/** Longest an INFO answer may take (a failure guard: loopback answers in microseconds). */
const INFO_GUARD_MS = 10_000;

/**
 * The fields of `INFO` over one short raw connection (the bench has no Redis client of its own;
 * the answer is one RESP bulk string of `field:value` lines).
 */
function readInfo(port: number): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const guard = setTimeout(
      () => socket.destroy(new Error('redis INFO: no answer')),
      INFO_GUARD_MS,
    );
    socket.on('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const header = /^\$(\d+)\r\n/.exec(text);
      if (!header?.[1]) return;
      const length = Number(header[1]);
      const body = Buffer.from(text.slice(header[0].length), 'utf8');
      if (body.length < length) return;
      clearTimeout(guard);
      socket.end();
      const fields = new Map<string, string>();
      for (const line of body.subarray(0, length).toString('utf8').split('\r\n')) {
        const at = line.indexOf(':');
        if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1));
      }
      resolve(fields);
    });
    socket.write('INFO\r\n');
  });
}

/** Starts a private redis-server (no persistence) on a free loopback port. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const server: TestRedisServer = await startRedisServer();
  return {
    url: server.url,
    async info() {
      const fields = await readInfo(server.port);
      const number = (key: string) => Number(fields.get(key) ?? Number.NaN);
      return {
        cpuSeconds: number('used_cpu_user') + number('used_cpu_sys'),
        rssBytes: number('used_memory_rss'),
      };
    },
    stop: () => server.stop(),
  };
}
