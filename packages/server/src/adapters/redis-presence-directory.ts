/*
 * Layout in Redis (prefix `confab:presence:`):
 *   u:<userId>   hash, field <nodeId> -> that node's status for the user ('online' | 'away');
 *                gone when no node has a device of the user
 *   n:<nodeId>   set of the users that node has a field for (to clear a dead node's fields)
 *   nodes        sorted set, member <nodeId>, score = its last heartbeat (Redis's clock, ms)
 *   version      a counter that orders every change, cluster-wide
 *
 * Every change is one MULTI/EXEC: read the user's hash, write this node's field, read it again,
 * take the next version. Redis runs transactions one at a time, so of two nodes changing a user
 * at once (its last two devices leaving on two nodes) the second reads what the first wrote:
 * exactly one of them sees the cluster status move and announces it. No WATCH retries, no Lua:
 * whoever's transaction made the change is the one that announces it.
 *
 * The version counter is seeded with the clock (ms x 1000, SET NX) when it is missing, so a
 * Redis that restarted empty goes on with versions above every one the nodes' views still hold
 * (as long as fewer than 1,000 changes a millisecond were made since the last seed).
 *
 * A node that dies keeps its fields until another node notices: each heartbeats every
 * `heartbeatMs`; at each heartbeat a node clears the fields of nodes silent for `deadAfterMs`,
 * user by user with the same transaction (so each resulting change is announced once even when
 * two nodes clear the same dead one), then drops the node. Its users are offline at most
 * deadAfterMs + heartbeatMs after its last heartbeat (20 s by default). A node that closes
 * marks itself dead, so its users go at the next heartbeat of another node.
 *
 * A node whose writes failed (Redis unreachable), whose heartbeat finds it was dropped (it was
 * taken for dead, or Redis restarted empty), or whose connection came back writes all its
 * statuses again and clears the fields it holds for users it no longer has.
 */
import { randomBytes } from 'node:crypto';
import type { PresenceStatus } from '@confab/contracts';
import { loadRedis } from '../lazy-modules.js';
import { fallbackLogger } from '../observability/logger.js';
import {
  clusterStatus,
  type PresenceChange,
  type PresenceDirectory,
  type PresenceDirectoryHooks,
} from '../ports/presence-directory.js';

export interface RedisPresenceDirectoryOptions {
  /** This process in the directory. @default 16 random hex digits */
  nodeId?: string;
  /** How often the node says it is alive and looks for dead ones. @default 5000 */
  heartbeatMs?: number;
  /** A node silent this long is dead: its users' devices there are gone. @default 15000 */
  deadAfterMs?: number;
  /** Longest wait for a command while Redis is unreachable. @default 2000 */
  commandTimeoutMs?: number;
  /** Longest wait for the connection when the directory is created. @default 10000 */
  connectTimeoutMs?: number;
  /** Prefixed to every key, so apps can share a Redis. @default 'confab:presence:' */
  keyPrefix?: string;
  /** Where upkeep failures go (once per outage for the connection). @default fallbackLogger (warn) */
  onError?: (error: unknown, context: 'connection' | 'upkeep') => void;
}

/** The presence directory of several processes, in Redis; resolves once connected. */
export async function createRedisPresenceDirectory(
  url: string,
  options: RedisPresenceDirectoryOptions = {},
): Promise<PresenceDirectory & { readonly nodeId: string }> {
  const nodeId = options.nodeId ?? randomBytes(8).toString('hex');
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const deadAfterMs = options.deadAfterMs ?? 15_000;
  const prefix = options.keyPrefix ?? 'confab:presence:';
  const report =
    options.onError ??
    ((error, context) =>
      fallbackLogger.warn({ err: error, context }, `presence directory: ${context}`));
  const keys = {
    user: (userId: string) => `${prefix}u:${userId}`,
    node: (node: string) => `${prefix}n:${node}`,
    nodes: `${prefix}nodes`,
    version: `${prefix}version`,
  };

  const { createClient } = await loadRedis();
  const client = createClient({
    url,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1_000) + Math.random() * 100,
    },
  });
  // A command waits in the offline queue at most this long, then fails (and is never sent late).
  const redis = client.withCommandOptions({ timeout: options.commandTimeoutMs ?? 2_000 });
  let hooks: PresenceDirectoryHooks | undefined;
  let closed = false;
  /** A write failed: this node's statuses in Redis may be wrong until it writes them again. */
  let dirty = false;
  /** Redis's clock minus ours, from the last heartbeat (to seed versions on Redis's clock). */
  let clockOffsetMs = 0;

  let down = false;
  client.on('error', (error: unknown) => {
    if (!down && !closed) report(error, 'connection');
    down = true;
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    // Back after an outage: writes may have failed meanwhile, and Redis may have restarted
    // empty. A heartbeat at once lists this node again before writing its statuses again (a
    // node that holds fields but is not listed would never be cleared if it died).
    dirty = true;
    beat();
  });

  /**
   * Writes `node`'s status for the user and says what it did to the cluster status. Queued on
   * the connection at once (node-redis writes MULTI..EXEC as one batch, in call order), so one
   * node's calls take effect in the order they were made.
   */
  function write(
    node: string,
    userId: string,
    status: PresenceStatus,
    at: number,
  ): Promise<PresenceChange | undefined> {
    const user = keys.user(userId);
    const seed = String((Date.now() + clockOffsetMs) * 1000);
    const multi = redis.multi().set(keys.version, seed, { condition: 'NX' }).hGetAll(user);
    if (status === 'offline') multi.hDel(user, node).sRem(keys.node(node), userId);
    else multi.hSet(user, node, status).sAdd(keys.node(node), userId);
    return multi
      .hGetAll(user)
      .incr(keys.version)
      .exec()
      .then((replies) => {
        const before = clusterStatus(Object.values(hashReply(replies[1])));
        const after = clusterStatus(Object.values(hashReply(replies[4])));
        const version = Number(replies[5]);
        return before === after ? undefined : { userId, status: after, version, at };
      });
  }

  /** Writes every status of this node again; clears those of users it no longer has. */
  async function reassert(): Promise<void> {
    if (!hooks || closed) return;
    const { changed, local } = hooks;
    dirty = false;
    try {
      const held = await redis.sMembers(keys.node(nodeId));
      // Read after the await: the writes below follow any set() made before, and carry the
      // statuses as they are now.
      const statuses = local();
      const at = Date.now();
      const writes = [...new Set([...held, ...statuses.keys()])].map((userId) =>
        write(nodeId, userId, statuses.get(userId) ?? 'offline', at).then((change) => {
          if (change) changed(change);
        }),
      );
      await Promise.all(writes);
    } catch (error) {
      dirty = true;
      report(error, 'upkeep');
    }
  }

  /** Clears a dead node's fields (announcing what that changes) and drops it. */
  async function clear(node: string, lastHeartbeat: number): Promise<void> {
    for (const userId of await redis.sMembers(keys.node(node))) {
      const change = await write(node, userId, 'offline', lastHeartbeat);
      if (change) hooks?.changed(change);
    }
    await redis.multi().zRem(keys.nodes, node).del(keys.node(node)).exec();
  }

  async function heartbeat(): Promise<void> {
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    clockOffsetMs = now - Date.now();
    // 1: this node was not listed (taken for dead and cleared, or Redis restarted empty).
    const added = await redis.zAdd(keys.nodes, { score: now, value: nodeId });
    if (added === 1 || dirty) await reassert();
    const dead = await redis.zRangeByScoreWithScores(keys.nodes, '-inf', now - deadAfterMs);
    for (const { value, score } of dead) {
      // Score 0: the node closed (see close); its users were last seen now.
      if (value !== nodeId && !closed) await clear(value, score > 0 ? score : now);
    }
  }

  let beating: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setInterval> | undefined;
  /**
   * Heartbeats run one after the other, each given at most a few intervals: a transaction that
   * was on the wire when Redis died may never be answered, and a heartbeat waiting for it would
   * hold every later one (this node would never clear dead nodes again).
   */
  function beat(): void {
    beating = beating.then(() => {
      if (closed) return undefined;
      let overdue: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((resolve) => {
        overdue = setTimeout(() => {
          dirty = true;
          report(new Error(`heartbeat unanswered after ${3 * heartbeatMs} ms`), 'upkeep');
          resolve();
        }, 3 * heartbeatMs);
      });
      const done = heartbeat().catch((error: unknown) => report(error, 'upkeep'));
      return Promise.race([done, deadline]).finally(() => clearTimeout(overdue));
    });
  }

  await client.connect();

  return {
    nodeId,
    shared: true,
    reassertWithinMs: heartbeatMs,
    set(userId, status, at) {
      if (closed) return Promise.resolve(undefined);
      return write(nodeId, userId, status, at).catch((error: unknown) => {
        dirty = true;
        throw error;
      });
    },
    async read() {
      const seed = String((Date.now() + clockOffsetMs) * 1000);
      const [, version] = await redis
        .multi()
        .set(keys.version, seed, { condition: 'NX' })
        .incr(keys.version)
        .exec();
      const present = new Map<string, 'online' | 'away'>();
      const userPrefix = keys.user('');
      for await (const page of redis.scanIterator({ MATCH: `${userPrefix}*`, COUNT: 1000 })) {
        const hashes = await Promise.all(page.map((key) => redis.hGetAll(key)));
        page.forEach((key, i) => {
          const status = clusterStatus(Object.values(hashReply(hashes[i])));
          if (status !== 'offline') present.set(key.slice(userPrefix.length), status);
        });
      }
      return { version: Number(version), present };
    },
    start(given) {
      if (hooks) return;
      hooks = given;
      beat();
      timer = setInterval(beat, heartbeatMs);
      timer.unref();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      // A clearing under way finishes, announcing what it changed.
      await beating;
      // Marked dead rather than cleared here: the next heartbeat of another node clears this
      // node's users and announces them, on a bus that is still open.
      await redis.zAdd(keys.nodes, { score: 0, value: nodeId }).catch(() => {});
      client.destroy();
    },
  };
}

/** A HGETALL reply as field -> value (node-redis maps it; be strict about what we read). */
function hashReply(reply: unknown): Record<string, string> {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) return {};
  return reply as Record<string, string>;
}
