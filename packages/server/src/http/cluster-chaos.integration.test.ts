import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient, Transport } from '../../../client/src/index.js';
import {
  type Acknowledged,
  type DeviceRecord,
  type NginxCluster,
  recordDevice,
  register,
  sdkClient,
  sendAll,
  startNginxCluster,
} from './cluster-nginx-fixture.js';

const TRANSPORTS: Transport[] = ['ws', 'sse', 'poll'];

/** How many sends have been acknowledged so far, and a wait for a number of them. */
function progressOf() {
  let total = 0;
  let finished = false;
  const waiters = new Set<() => void>();
  const flush = () => {
    for (const check of [...waiters]) check();
  };
  return {
    update(n: number) {
      total = n;
      flush();
    },
    finish() {
      finished = true;
      flush();
    },
    /** Resolves once `n` sends are acknowledged; rejects if the burst ended before. */
    reached(n: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (total >= n) resolve();
          else if (finished)
            reject(new Error(`the burst ended at ${total} acknowledged, not ${n}`));
          else return;
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * Chaos under traffic, on the reference deployment: three API processes on PostgreSQL and a
 * private Redis behind nginx rendered from deploy/nginx.conf. Devices and senders all go
 * through nginx, as users' apps would. Each case ends with every device holding exactly the
 * messages the senders saw acknowledged: once each, in seq order.
 */
describe('chaos behind nginx: a node killed, Redis restarted, a rolling restart', () => {
  let cluster: NginxCluster;
  let clients: ChatClient[] = [];
  let users = 0;

  beforeAll(async () => {
    cluster = await startNginxCluster('cluster-chaos');
  }, 120_000);
  afterEach(() => {
    for (const client of clients) client.close();
    clients = [];
  });
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  /** A room with two readers' devices on every transport and four senders, all via nginx. */
  async function setUp(name: string) {
    const url = cluster.nginx.url;
    const user = async () => {
      users += 1;
      const token = await register(url, `${name}_${users}`);
      const client = sdkClient(url, token, { autoConnect: false });
      clients.push(client);
      return { token, client };
    };
    const owner = await user();
    const room = await owner.client.api.room.create.mutate({ kind: 'public', name });
    const devices: DeviceRecord[] = [];
    for (let r = 0; r < 2; r++) {
      const reader = await user();
      await reader.client.api.room.join.mutate({ roomId: room.id });
      for (const transport of TRANSPORTS) {
        const client = sdkClient(url, reader.token, { transport });
        clients.push(client);
        devices.push(recordDevice(client));
      }
    }
    const senders: ChatClient[] = [];
    for (let s = 0; s < 4; s++) {
      const sender = await user();
      await sender.client.api.room.join.mutate({ roomId: room.id });
      senders.push(sender.client);
    }
    await Promise.all(devices.map((d) => d.connected()));
    return { roomId: room.id, devices, senders };
  }

  /** Every device ends with exactly `acknowledged` (in seq order), and never gave up. */
  async function expectDelivered(
    devices: DeviceRecord[],
    roomId: string,
    acknowledged: Acknowledged[],
  ) {
    const last = acknowledged.at(-1)?.seq ?? 0;
    await Promise.all(
      devices.map((d) =>
        d.until(
          () => (d.messages(roomId).at(-1)?.seq ?? 0) >= last,
          `the ${d.client.transport} device at seq ${last}`,
          90_000,
        ),
      ),
    );
    for (const device of devices) {
      expect(device.messages(roomId)).toEqual(acknowledged);
      expect(device.states).not.toContain('closed');
    }
  }

  it('a node killed with SIGKILL during a burst: its devices reconnect through nginx and end with every acknowledged message once', async () => {
    const { roomId, devices, senders } = await setUp('kill');
    // The node holding the most WebSocket and SSE streams is the one to kill: their devices
    // must notice and reconnect (a long poll in flight is resent by nginx without a trace).
    const held = await cluster.pushStreamsPerNode();
    const victim = held.indexOf(Math.max(...held));
    expect(held[victim], `streams per node: ${held.join(', ')}`).toBeGreaterThan(0);
    const node = cluster.nodes[victim];
    if (!node) throw new Error('no node');

    const progress = progressOf();
    const bodies = Array.from({ length: 400 }, (_, i) => `kill-${i}`);
    const burst = sendAll(senders, roomId, bodies, { onAcknowledged: progress.update });
    void burst.finally(progress.finish);
    await progress.reached(100);
    node.process.child.kill('SIGKILL');
    try {
      expect(await node.process.exited).toBe('SIGKILL');
      // Sends in flight on it failed (nginx answers 502: a POST that reached a node is not
      // resent); the SDK outbox sends them again with the same clientMsgId.
      const { acknowledged, failed } = await burst;
      expect(failed).toEqual([]);
      expect(acknowledged).toHaveLength(bodies.length);
      await expectDelivered(devices, roomId, acknowledged);
      // The devices it held lost their streams and came back through nginx.
      expect(devices.some((d) => d.states.includes('reconnecting'))).toBe(true);
    } finally {
      // Back to three nodes for the next case, whatever happened here.
      await cluster.restart(victim);
    }
  }, 180_000);

  it('Redis killed and restarted during a burst: nothing lost', async () => {
    const { roomId, devices, senders } = await setUp('redis');
    const progress = progressOf();
    const bodies = Array.from({ length: 300 }, (_, i) => `redis-${i}`);
    const burst = sendAll(senders, roomId, bodies, { onAcknowledged: progress.update });
    void burst.finally(progress.finish);
    await progress.reached(100);
    await cluster.redis.kill();
    // Sends still succeed while it is down (each publish waits out its 2 s bound, then the
    // change is left to the log): let a few through, then bring Redis back.
    await progress.reached(112);
    await cluster.redis.restart();
    const { acknowledged, failed } = await burst;
    expect(failed).toEqual([]);
    expect(acknowledged).toHaveLength(bodies.length);
    await expectDelivered(devices, roomId, acknowledged);
  }, 180_000);

  it('a rolling restart of every node by SIGTERM under traffic: nothing lost or doubled, no error shown', async () => {
    const { roomId, devices, senders } = await setUp('rolling');
    const progress = progressOf();
    let rolled = false;
    let sentAfter = 0;
    const bodies = Array.from({ length: 5000 }, (_, i) => `roll-${i}`);
    const burst = sendAll(senders, roomId, bodies, {
      onAcknowledged: (n) => {
        progress.update(n);
        if (rolled) sentAfter += 1;
      },
      // Traffic throughout the restart, and a little after.
      stop: () => rolled && sentAfter >= 40,
    });
    void burst.finally(progress.finish);
    await progress.reached(40);
    for (const [i, node] of cluster.nodes.entries()) {
      node.process.child.kill('SIGTERM');
      // Drained and exited on its own: code 0, not a signal.
      expect(await node.process.exited).toBe(0);
      await cluster.restart(i);
    }
    rolled = true;
    const { acknowledged, failed } = await burst;
    // Every send resolved: none refused, none given up.
    expect(failed).toEqual([]);
    for (const sender of senders) expect(sender.outbox()).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(80);
    await expectDelivered(devices, roomId, acknowledged);
    // Devices went through "reconnecting" at most: never "closed" (checked above).
    expect(devices.some((d) => d.states.includes('reconnecting'))).toBe(true);
  }, 180_000);
});
