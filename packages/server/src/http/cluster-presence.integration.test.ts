import type { PresenceStatus, StreamEvent } from '@confab/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { type ApiCluster, startApiCluster } from '../__tests__/api-cluster.js';
import type { ApiProcess } from '../__tests__/api-process.js';
import type { TestRedisServer } from '../__tests__/redis-server.js';
import { connect, type TestClient } from '../__tests__/server.js';
import { openRawSocket, type RawSocket } from '../__tests__/ws-raw.js';

/** Failure guard for one awaited event: nodes, Redis and PostgreSQL share two busy cores. */
const GUARD_MS = 30_000;

/** One device's stream on a raw WebSocket: every event it got, in order. */
interface Device {
  socket: RawSocket;
  events: StreamEvent[];
  /** Resolves once `check` holds for the events so far (or fails after the guard). */
  until(check: (events: StreamEvent[]) => boolean, what: string, guardMs?: number): Promise<void>;
  /** The presence changes of `userId` this device was sent, in order. */
  changesOf(userId: string): PresenceStatus[];
  /** Who the device's snapshot listed, with their status. */
  snapshot(): Map<string, PresenceStatus>;
}

async function openDevice(node: ApiProcess, token: string): Promise<Device> {
  const socket = await openRawSocket(node.url, { Authorization: `Bearer ${token}` });
  const events: StreamEvent[] = [];
  const checks = new Set<() => void>();
  // A socket the server closed hears nothing more: say so at once rather than at the guard.
  let closedWith: number | undefined;
  void socket.closed.then((code) => {
    closedWith = code;
    for (const check of [...checks]) check();
  });
  void (async () => {
    for (;;) {
      const frame = await socket.next(1);
      if (frame.error) return;
      const event = (frame.result?.data as { data?: StreamEvent } | undefined)?.data;
      if (!event) continue;
      events.push(event);
      for (const check of [...checks]) check();
    }
  })();
  socket.ws.send(
    JSON.stringify({
      id: 1,
      method: 'subscription',
      params: { path: 'events.onEvent', input: {} },
    }),
  );
  const device: Device = {
    socket,
    events,
    until(check, what, guardMs = GUARD_MS) {
      return new Promise((resolve, reject) => {
        const guard = setTimeout(() => {
          checks.delete(run);
          reject(new Error(`no ${what} in ${guardMs} ms; got ${JSON.stringify(events)}`));
        }, guardMs);
        function run() {
          if (closedWith !== undefined && !check(events)) {
            clearTimeout(guard);
            checks.delete(run);
            reject(new Error(`no ${what}: the socket closed (${closedWith})`));
            return;
          }
          if (!check(events)) return;
          clearTimeout(guard);
          checks.delete(run);
          resolve();
        }
        checks.add(run);
        run();
      });
    },
    changesOf: (userId) =>
      events.flatMap((e) => (e.type === 'presence' && e.userId === userId ? [e.status] : [])),
    snapshot() {
      const snapshot = events.find((e) => e.type === 'presence.snapshot');
      const users = snapshot?.type === 'presence.snapshot' ? snapshot.users : [];
      return new Map(users.map((u) => [u.userId, u.status]));
    },
  };
  // Present only once its snapshot is out (it follows the sync point and the attach).
  await device.until((e) => e.some((x) => x.type === 'presence.snapshot'), 'snapshot');
  return device;
}

/**
 * Presence across two API processes on one PostgreSQL and a private Redis: a user is online
 * while a device of theirs is on either node, snapshots and changes are the same on both, a
 * node that dies takes its users offline within the bound, and Redis restarting loses nothing
 * for good (docs/scaling.md, "Presence").
 */
describe('presence across two API processes', () => {
  let cluster: ApiCluster | undefined;
  let nodes: ApiProcess[] = [];
  let redis: TestRedisServer;
  const clients: TestClient[] = [];
  const devices: Device[] = [];

  beforeAll(async () => {
    cluster = await startApiCluster('cluster-presence', 2, {
      RATE_LIMITS: JSON.stringify({ registerPerAddress: { points: 1000, windowMs: 60_000 } }),
    });
    ({ nodes, redis } = cluster);
  }, 120_000);
  // A failure shows what the processes warned about (presence upkeep, Redis), which the test
  // cannot see otherwise.
  beforeEach(() => {
    onTestFailed(() => {
      for (const node of nodes) {
        const warnings = node
          .output()
          .split('\n')
          .filter((line) => /"level":(40|50)/.test(line));
        console.error(`${node.url} warnings:\n${warnings.slice(-20).join('\n')}`);
      }
    });
  });
  afterAll(async () => {
    for (const device of devices) device.socket.close();
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  const password = 'correct horse battery';
  /** A user with a session (token) made on `node`. */
  async function user(node: ApiProcess, name: string) {
    const anonymous = connect(node.url);
    const { token, user: account } = await anonymous.api.auth.register.mutate({
      username: name,
      displayName: name,
      password,
    });
    anonymous.close();
    const client = connect(node.url, token);
    clients.push(client);
    return { id: account.id, name, token, client };
  }
  type User = Awaited<ReturnType<typeof user>>;
  /** A second device (session) of the user. */
  async function secondSession(node: ApiProcess, who: User): Promise<string> {
    const anonymous = connect(node.url);
    const { token } = await anonymous.api.auth.login.mutate({ username: who.name, password });
    anonymous.close();
    return token;
  }
  async function device(node: ApiProcess, token: string) {
    const opened = await openDevice(node, token);
    devices.push(opened);
    return opened;
  }
  /** A room of all of them (they become each other's peers). */
  async function room(owner: User, others: User[]) {
    const created = await owner.client.api.room.create.mutate({ kind: 'private', name: 'p' });
    for (const other of others)
      await owner.client.api.room.invite.mutate({ roomId: created.id, username: other.name });
    return created.id;
  }

  it('typing on one node reaches a member’s device on the other', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const ty = await user(a, 'ty_presence');
    const ul = await user(b, 'ul_presence');
    const roomId = await room(ty, [ul]);
    const watcher = await device(b, ul.token);
    await ty.client.api.presence.typing.mutate({ roomId });
    await watcher.until(
      (e) => e.some((x) => x.type === 'typing' && x.userId === ty.id && x.roomId === roomId),
      'typing from the other node',
    );
  }, 120_000);

  it('a user with a device on each node stays online until the last one goes, then is offline once', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const ann = await user(a, 'ann_presence');
    const bob = await user(b, 'bob_presence');
    const cat = await user(a, 'cat_presence');
    await room(ann, [bob, cat]);
    const watcher = await device(b, bob.token);
    expect(watcher.snapshot().has(ann.id)).toBe(false);

    const onA = await device(a, ann.token);
    await watcher.until(() => watcher.changesOf(ann.id).length > 0, 'ann online');
    const onB = await device(b, await secondSession(b, ann));
    // Her second device, on the other node, changes nothing cluster-wide.
    expect(watcher.changesOf(ann.id)).toEqual(['online']);

    onA.socket.close();
    await onA.socket.closed;
    // A later change made on the same node is announced after whatever ann's leaving made
    // there: once bob hears cat, a flap of ann's would have reached him already.
    await device(a, cat.token);
    await watcher.until(() => watcher.changesOf(cat.id).length > 0, 'cat online');
    expect(watcher.changesOf(ann.id)).toEqual(['online']);
    const [state] = await bob.client.api.presence.of.query({ userIds: [ann.id] });
    expect(state?.status).toBe('online');

    const before = Date.now();
    onB.socket.close();
    await watcher.until(() => watcher.changesOf(ann.id).length > 1, 'ann offline');
    expect(watcher.changesOf(ann.id)).toEqual(['online', 'offline']);
    const offline = watcher.events.find(
      (e) => e.type === 'presence' && e.userId === ann.id && e.status === 'offline',
    );
    expect(offline?.type === 'presence' && offline.lastSeenAt).toBeGreaterThanOrEqual(before);
  }, 120_000);

  it('a device going idle, told through the other node, is away cluster-wide (no sticky sessions)', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const gil = await user(a, 'gil_presence');
    const lou = await user(b, 'lou_presence');
    await room(gil, [lou]);
    const watcher = await device(b, lou.token);
    // Gil's stream is on node a; a proxy sends his HTTP calls to node b.
    await device(a, gil.token);
    await watcher.until(() => watcher.changesOf(gil.id).length > 0, 'gil online');
    const gilOnB = connect(b.url, gil.token);
    clients.push(gilOnB);
    await gilOnB.api.presence.setActive.mutate({ active: false });
    await watcher.until(() => watcher.changesOf(gil.id).length > 1, 'gil away');
    await gilOnB.api.presence.setActive.mutate({ active: true });
    await watcher.until(() => watcher.changesOf(gil.id).length > 2, 'gil online again');
    // A heartbeat on node b takes the same path and changes nothing here.
    await gilOnB.api.presence.heartbeat.mutate();
    expect(watcher.changesOf(gil.id)).toEqual(['online', 'away', 'online']);
  }, 120_000);

  it('a snapshot on one node lists who is online or away only on the other', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const dan = await user(a, 'dan_presence');
    const eve = await user(a, 'eve_presence');
    const fox = await user(b, 'fox_presence');
    await room(fox, [dan, eve]);
    const danDevice = await device(a, dan.token);
    const eveDevice = await device(a, eve.token);
    await eveDevice.socket.call(2, 'mutation', 'presence.setActive', { active: false });
    // Bob-like watchers on node b hear both; then a new device there is listed both at once.
    const first = await device(b, fox.token);
    await first.until(
      () =>
        first.snapshot().get(dan.id) === 'online' || first.changesOf(dan.id).at(-1) === 'online',
      'dan online on b',
    );
    await first.until(
      () => first.snapshot().get(eve.id) === 'away' || first.changesOf(eve.id).at(-1) === 'away',
      'eve away on b',
    );
    const second = await device(b, await secondSession(b, fox));
    expect(second.snapshot()).toEqual(
      new Map([
        [dan.id, 'online'],
        [eve.id, 'away'],
      ]),
    );
    expect(danDevice.snapshot().get(fox.id)).toBeUndefined();
  }, 120_000);

  it('Redis restarted empty: changes made meanwhile reach the other node once it is back', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const gus = await user(a, 'gus_presence');
    const hal = await user(a, 'hal_presence');
    const ida = await user(b, 'ida_presence');
    await room(ida, [gus, hal]);
    const watcher = await device(b, ida.token);
    const gusDevice = await device(a, gus.token);
    const halDevice = await device(a, hal.token);
    await watcher.until(
      () => watcher.changesOf(gus.id).length > 0 && watcher.changesOf(hal.id).length > 0,
      'gus and hal online',
    );
    const heardBefore = { gus: watcher.changesOf(gus.id), hal: watcher.changesOf(hal.id) };
    expect(heardBefore).toEqual({ gus: ['online'], hal: ['online'] });

    await redis.kill();
    gusDevice.socket.close();
    await gusDevice.socket.closed;
    const idle = await halDevice.socket.call(2, 'mutation', 'presence.setActive', {
      active: false,
    });
    expect(idle.error).toBeUndefined();
    await redis.restart();

    await watcher.until(
      () =>
        watcher.changesOf(gus.id).length > heardBefore.gus.length &&
        watcher.changesOf(hal.id).length > heardBefore.hal.length,
      'both changes after the restart',
    );
    expect(watcher.changesOf(gus.id)).toEqual([...heardBefore.gus, 'offline']);
    expect(watcher.changesOf(hal.id)).toEqual([...heardBefore.hal, 'away']);
    // Every node's view is right again. Each node rebuilds its view a heartbeat after its own
    // link to Redis is back, so a device that connects to the other node before that gets the
    // old view in its snapshot and the missed changes right after: either way, hal is away and
    // gus offline on both.
    for (const node of nodes) {
      const fresh = await device(node, await secondSession(node, ida));
      const now = (userId: string) =>
        fresh.changesOf(userId).at(-1) ?? fresh.snapshot().get(userId) ?? 'offline';
      await fresh.until(
        () => now(hal.id) === 'away' && now(gus.id) === 'offline',
        `hal away and gus offline on ${node.url}`,
      );
    }
  }, 120_000);

  it('a node killed with SIGKILL: its users go offline at the other node’s devices within 20 s', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const jo = await user(a, 'jo_presence');
    const kim = await user(b, 'kim_presence');
    await room(kim, [jo]);
    await device(a, jo.token);
    const watcher = await device(b, kim.token);
    await watcher.until(
      () => watcher.snapshot().get(jo.id) === 'online' || watcher.changesOf(jo.id).length > 0,
      'jo online',
    );
    const heardBefore = watcher.changesOf(jo.id);

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    // 15 s without a heartbeat makes a node dead; the others look every 5 s. The guard is
    // that bound plus 10 s.
    await watcher.until(
      () => watcher.changesOf(jo.id).length > heardBefore.length,
      'jo offline',
      30_000,
    );
    expect(watcher.changesOf(jo.id)).toEqual([...heardBefore, 'offline']);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    const fresh = await device(b, await secondSession(b, kim));
    expect(fresh.snapshot().has(jo.id)).toBe(false);
  }, 120_000);
});
