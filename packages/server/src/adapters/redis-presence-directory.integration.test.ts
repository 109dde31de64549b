import type { PresenceStatus } from '@confab/contracts';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../__tests__/redis-server.js';
import type { PresenceChange, PresenceDirectory } from '../ports/presence-directory.js';
import { createMemoryPresenceDirectory } from './memory-presence-directory.js';
import {
  createRedisPresenceDirectory,
  type RedisPresenceDirectoryOptions,
} from './redis-presence-directory.js';

let redis: TestRedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const open: PresenceDirectory[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((directory) => directory.close()));
});

let prefixes = 0;
/** Each test its own keys, so that nodes of earlier tests are not in its way. */
const freshPrefix = () => `test${++prefixes}:`;

/**
 * Starts a directory as a node's presence would: its local statuses are what it set. Returns
 * what the directory announced by itself (dead nodes cleared, statuses written again).
 */
function started(directory: PresenceDirectory) {
  const local = new Map<string, PresenceStatus>();
  const set = directory.set.bind(directory);
  directory.set = (userId, status, at) => {
    if (status === 'offline') local.delete(userId);
    else local.set(userId, status);
    return set(userId, status, at);
  };
  const changes: PresenceChange[] = [];
  directory.start({ changed: (change) => changes.push(change), local: () => local });
  return changes;
}

async function redisNode(keyPrefix: string, options: RedisPresenceDirectoryOptions = {}) {
  const directory = await createRedisPresenceDirectory(redis.url, {
    keyPrefix,
    onError: () => {},
    ...options,
  });
  open.push(directory);
  return directory;
}

const statusOf = (change: PresenceChange | undefined) => change && [change.userId, change.status];

describe.each([
  { name: 'memory', create: async () => createMemoryPresenceDirectory() },
  { name: 'redis', create: () => redisNode(freshPrefix()) },
])('presence directory, one node ($name)', ({ create }) => {
  it('reports each change of the status once, with growing versions', async () => {
    const directory = await create();
    started(directory);
    const results = [];
    for (const status of [
      'online',
      'online',
      'away',
      'away',
      'online',
      'offline',
      'offline',
    ] as const)
      results.push(await directory.set('u1', status, 1000));
    expect(results.map(statusOf)).toEqual([
      ['u1', 'online'],
      undefined,
      ['u1', 'away'],
      undefined,
      ['u1', 'online'],
      ['u1', 'offline'],
      undefined,
    ]);
    const versions = results.flatMap((change) => (change ? [change.version] : []));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('reads who is online or away, at a version between the changes before and after it', async () => {
    const directory = await create();
    started(directory);
    const before = await directory.set('u1', 'online', 1);
    await directory.set('u2', 'away', 1);
    await directory.set('u3', 'online', 1);
    await directory.set('u3', 'offline', 1);
    const reading = await directory.read();
    const after = await directory.set('u1', 'offline', 1);
    expect(reading.present).toEqual(
      new Map([
        ['u1', 'online'],
        ['u2', 'away'],
      ]),
    );
    expect(reading.version).toBeGreaterThan(before?.version ?? Number.NaN);
    expect(reading.version).toBeLessThan(after?.version ?? Number.NaN);
  });
});

describe('Redis presence directory, several nodes', () => {
  it('is online until the last node lets go; away only when no node has the user online', async () => {
    const prefix = freshPrefix();
    const [n1, n2] = [await redisNode(prefix), await redisNode(prefix)];
    started(n1);
    started(n2);
    expect(statusOf(await n1.set('ann', 'online', 1))).toEqual(['ann', 'online']);
    expect(await n2.set('ann', 'online', 1)).toBeUndefined();
    expect(await n1.set('ann', 'away', 1)).toBeUndefined();
    expect(await n1.set('ann', 'offline', 1)).toBeUndefined();
    expect(statusOf(await n2.set('ann', 'away', 1))).toEqual(['ann', 'away']);
    expect(statusOf(await n2.set('ann', 'offline', 1))).toEqual(['ann', 'offline']);
  });

  it('of concurrent changes on two nodes, exactly one reports each cluster-wide change', async () => {
    const prefix = freshPrefix();
    const [n1, n2] = [await redisNode(prefix), await redisNode(prefix)];
    started(n1);
    started(n2);
    const users = Array.from({ length: 300 }, (_, i) => `user${i}`);
    // Both nodes at once, their calls interleaved on two connections.
    const both = (status: PresenceStatus) =>
      Promise.all(users.flatMap((u) => [n1.set(u, status, 1), n2.set(u, status, 1)]));

    const online = (await both('online')).filter((change) => change !== undefined);
    expect(online.map(statusOf).sort()).toEqual(users.map((u) => [u, 'online']).sort());
    const offline = (await both('offline')).filter((change) => change !== undefined);
    expect(offline.map(statusOf).sort()).toEqual(users.map((u) => [u, 'offline']).sort());
    // Each user's offline is later than their online.
    const onlineVersion = new Map(online.map((c) => [c.userId, c.version]));
    for (const change of offline)
      expect(change.version).toBeGreaterThan(onlineVersion.get(change.userId) ?? Number.NaN);
    expect((await n1.read()).present.size).toBe(0);
  });

  it('a node that stops heartbeating has its users cleared once, by one of the nodes that notice', async () => {
    const prefix = freshPrefix();
    // Heartbeats once, when started, then never again: as good as dead for the others.
    const dying = await redisNode(prefix, { heartbeatMs: 600_000 });
    const quick = { heartbeatMs: 200, deadAfterMs: 1_000 };
    const [w1, w2] = [await redisNode(prefix, quick), await redisNode(prefix, quick)];
    const heard = [started(dying), started(w1), started(w2)];
    await dying.set('solo', 'online', 1);
    await dying.set('shared', 'away', 1);
    await w1.set('shared', 'online', 1);

    await vi.waitFor(() => expect(heard.flat().map(statusOf)).toEqual([['solo', 'offline']]), {
      timeout: 15_000,
      interval: 50,
    });
    expect((await w1.read()).present).toEqual(new Map([['shared', 'online']]));
    // Closing waits for a clearing under way: whatever either would still announce is in.
    await Promise.all([w1.close(), w2.close()]);
    expect(heard.flat().map(statusOf)).toEqual([['solo', 'offline']]);
  });

  it('a node that closes is cleared at the next heartbeat of another', async () => {
    const prefix = freshPrefix();
    const leaving = await redisNode(prefix);
    const staying = await redisNode(prefix, { heartbeatMs: 200 });
    started(leaving);
    await leaving.set('bea', 'online', 1);
    const heard = started(staying);
    await leaving.close();
    await vi.waitFor(() => expect(heard.map(statusOf)).toEqual([['bea', 'offline']]), {
      timeout: 10_000,
      interval: 50,
    });
    expect((await staying.read()).present.size).toBe(0);
  });

  it('writes its statuses again after Redis restarted empty, announcing what that changed', async () => {
    const prefix = freshPrefix();
    const node = await redisNode(prefix, { heartbeatMs: 200 });
    const heard = started(node);
    const first = await node.set('cy', 'online', 1);
    await redis.restart();
    // Gone with the restart; the node finds out (reconnection, heartbeat) and writes it again.
    await vi.waitFor(() => expect(heard.map(statusOf)).toEqual([['cy', 'online']]), {
      timeout: 15_000,
      interval: 50,
    });
    // Versions go on above the ones before the restart (the counter is seeded from the clock).
    expect(heard[0]?.version).toBeGreaterThan(first?.version ?? Number.NaN);
    expect((await node.read()).present).toEqual(new Map([['cy', 'online']]));
  }, 30_000);

  it('a node taken for dead writes what it has again and clears what it no longer has', async () => {
    const prefix = freshPrefix();
    const node = await redisNode(prefix, { heartbeatMs: 200, nodeId: 'taken-for-dead' });
    const heard = started(node);
    await node.set('di', 'online', 1);
    await node.set('ed', 'away', 1);
    // What another node's clearing would leave half done, and a field this node no longer has
    // (a write of it failed): the node is off the list, 'ed' is cleared, 'fay' is stale.
    const raw = createClient({ url: redis.url });
    await raw.connect();
    await raw
      .multi()
      .zRem(`${prefix}nodes`, 'taken-for-dead')
      .hDel(`${prefix}u:ed`, 'taken-for-dead')
      .hSet(`${prefix}u:fay`, 'taken-for-dead', 'online')
      .sAdd(`${prefix}n:taken-for-dead`, 'fay')
      .exec();
    raw.destroy();
    // Its next heartbeat finds it off the list: 'ed' is written again, 'fay' cleared.
    await vi.waitFor(
      () =>
        expect(heard.map(statusOf).sort()).toEqual([
          ['ed', 'away'],
          ['fay', 'offline'],
        ]),
      { timeout: 10_000, interval: 50 },
    );
    expect((await node.read()).present).toEqual(
      new Map([
        ['di', 'online'],
        ['ed', 'away'],
      ]),
    );
  });
});
