import type { MaxDevicesSizes } from '../config.js';
import { confabFixture } from '../drivers/confab.js';
import type { Publisher } from '../drivers/types.js';
import { type LoadClient, LoadClientPool } from '../load-client/pool.js';
import { procOpenFiles } from '../proc.js';
import { awaitSubscribers, send, sleep } from './common.js';
import { Tracker } from './tracker.js';
import type { Workload, WorkloadResult } from './types.js';

/** Longest one step (connecting `step` devices) may take. */
const STEP_TIMEOUT_MS = 180_000;
const GIB_16 = 16 * 1024 ** 3;

/** Kept across runs and systems; stopped when the bench ends. */
const pool = new LoadClientPool();

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Step sizes: `step` devices at a time up to `target` (the last step takes the rest). */
function steps({ target, step }: MaxDevicesSizes): number[] {
  const sizes: number[] = [];
  for (let held = 0; held < target; held += step) sizes.push(Math.min(step, target - held));
  return sizes;
}

/**
 * The most devices one server process holds with delivery still working: devices connect
 * `step` at a time up to `target`, from `processes` load-client processes taking turns (each
 * stays under the per-process open-file limit; so does the server, whose own files are a
 * handful). A step that fails ends the climb; the load client it ran on is dropped with its
 * devices. Then `messages` messages are published and every device still held must get each
 * exactly once, in order. Figures: the devices held, the server's RSS per device (after a
 * full GC, minus RSS before any connected), and what that makes in 16 GiB. Run once: it takes
 * minutes, and its figure is a threshold.
 */
export const maxDevices: Workload = {
  name: 'max-devices',
  kind: 'own',
  once: true,
  metrics: [
    {
      key: 'maxDevices',
      label: (c) =>
        `Max concurrent devices with delivery working (target ${c.maxDevices.target.toLocaleString('en-US')}; round 1 only) ↑`,
      digits: 0,
      ratio: true,
    },
    {
      key: 'maxDevicesRssKiB',
      label: () => '  server RSS per device there, KiB ↓',
      digits: 1,
      ratio: true,
    },
    {
      key: 'maxDevicesPer16GiB',
      label: () => '  devices per 16 GiB at that RSS (memory only; each is also an open file)',
      digits: 0,
      ratio: false,
    },
    {
      key: 'maxDevicesServerFiles',
      label: () => '  server open files there (limit 20,000)',
      digits: 0,
      ratio: false,
    },
    {
      key: 'maxDevicesConnectSeconds',
      label: () => '  s to connect them all',
      digits: 1,
      ratio: false,
    },
  ],
  async run(driver, config): Promise<WorkloadResult> {
    const sizes = config.maxDevices;
    const tokens = driver.name === 'confab' ? confabFixture().tokens : [];
    const publishing = new Tracker(0, sizes.messages);
    const server = await driver.start();
    let publisher: Publisher | undefined;
    try {
      const clients = await pool.take(sizes.processes);
      await server.gc();
      const rss0 = await server.rssBytes();
      const t0 = performance.now();
      const heldBy = new Map<LoadClient, number>();
      let note: string | undefined;
      for (const [k, count] of steps(sizes).entries()) {
        const client = clients[k % clients.length];
        if (!client) break;
        const reply = await client
          .ask(
            {
              type: 'connect',
              system: driver.name,
              port: server.port,
              count,
              messages: sizes.messages,
              tokens,
              firstToken: tokens.length > 0 ? (k * sizes.step) % tokens.length : 0,
            },
            'connected',
            STEP_TIMEOUT_MS,
          )
          .catch((error: unknown) => ({ failure: message(error) }));
        const failure = reply.failure ?? server.exitReason();
        if (failure) {
          note = `step ${k + 1} failed, its load client was dropped with its devices: ${failure}`;
          await pool.discard(client);
          heldBy.delete(client);
          break;
        }
        heldBy.set(client, (heldBy.get(client) ?? 0) + count);
      }
      const held = [...heldBy.values()].reduce((a, b) => a + b, 0);
      const connectSeconds = (performance.now() - t0) / 1000;
      if (held === 0) return { failure: note ?? 'no device connected', metrics: {} };
      await awaitSubscribers(server, held, publishing);
      await sleep(sizes.settleMs);
      await server.gc();
      const rss = await server.rssBytes();
      const files = await procOpenFiles(server.pid);

      publisher = await driver.publisher(server, publishing);
      for (let i = 0; i < sizes.messages; i++) send(publisher, publishing, i, config.bodyChars);
      const timeoutMs = config.deliveryTimeoutMs;
      const verified = await Promise.all(
        [...heldBy.keys()].map((c) =>
          c
            .ask({ type: 'verify', messages: sizes.messages, timeoutMs }, 'verified', timeoutMs * 2)
            .catch((error: unknown) => ({ failure: message(error) })),
        ),
      );
      const perDevice = (rss - rss0) / held;
      return {
        failure:
          publishing.failure ?? verified.find((v) => v.failure)?.failure ?? server.exitReason(),
        note,
        metrics: {
          maxDevices: held,
          maxDevicesRssKiB: perDevice / 1024,
          maxDevicesPer16GiB: (GIB_16 - rss0) / perDevice,
          maxDevicesServerFiles: files,
          maxDevicesConnectSeconds: connectSeconds,
        },
      };
    } finally {
      await publisher?.close();
      await pool.release();
      await server.stop();
    }
  },
  dispose: () => pool.dispose(),
};
