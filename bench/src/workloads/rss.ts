import type { ServerHandle } from '../drivers/process.js';
import type { Connections, Driver } from '../drivers/types.js';
import { awaitSubscribers, closeAll, sleep, subscribeAll } from './common.js';
import { Tracker } from './tracker.js';
import type { Workload, WorkloadResult } from './types.js';

/** Devices connected and dropped first, so code paths and pools are warm before the baseline. */
const WARMUP_DEVICES = 20;

/**
 * RSS of `server` (after a full GC) with `devices` connected by `connect` and subscribed to the
 * room, minus RSS before they connected, divided by `devices` (KiB); and that baseline, the
 * process with nothing connected, warmed by a few devices come and gone (MiB).
 * Run it on a fresh server: RSS rarely shrinks, so earlier load would hide the growth.
 */
async function rssOf(
  driver: Driver,
  server: ServerHandle,
  devices: number,
  settleMs: number,
  connect: (tracker: Tracker) => Promise<Connections>,
): Promise<{ failure: string | undefined; perDeviceKiB: number; idleMiB: number }> {
  const tracker = new Tracker(devices, 0);
  let subs: Connections | undefined;
  try {
    const warm = await subscribeAll(driver, server, Math.min(WARMUP_DEVICES, devices), tracker);
    await warm.close();
    await sleep(200);
    await server.gc();
    const before = await server.rssBytes();

    subs = await connect(tracker);
    await sleep(settleMs);
    await server.gc();
    const after = await server.rssBytes();
    tracker.verify(0);
    return {
      failure: tracker.failure,
      perDeviceKiB: (after - before) / 1024 / devices,
      idleMiB: before / 1024 / 1024,
    };
  } finally {
    await closeAll(subs);
  }
}

/**
 * Memory per idle device, the devices connecting all at once (as after a restart), on the
 * round's server; run first, while it is fresh. Also the idle process.
 */
export const rssPerDevice: Workload = {
  name: 'rss',
  kind: 'shared',
  metrics: [
    {
      key: 'rssKiBPerDevice',
      label: (c) => `RSS per idle device, KiB (${c.rss.devices} devices) ↓`,
      digits: 1,
      ratio: true,
    },
    {
      key: 'idleRssMiB',
      label: () => 'RSS of the idle process, MiB (after a full GC, devices connected and gone) ↓',
      digits: 1,
      ratio: true,
    },
  ],
  async run(driver, server, config): Promise<WorkloadResult> {
    const { devices, settleMs } = config.rss;
    const measured = await rssOf(driver, server, devices, settleMs, (tracker) =>
      subscribeAll(driver, server, devices, tracker),
    );
    return {
      failure: measured.failure,
      metrics: { rssKiBPerDevice: measured.perDeviceKiB, idleRssMiB: measured.idleMiB },
    };
  },
};

/**
 * The same devices arriving in waves, a pause between each, on a server of its own. A storm of
 * thousands of connections at once leaves V8's old space fragmented (docs/operations.md, "Per
 * connected device"); devices that come in over time leave less. Both are real: the first is
 * what a server must have room for, this one what it holds on an ordinary day.
 */
export const rssWaves: Workload = {
  name: 'rss-waves',
  kind: 'own',
  metrics: [
    {
      key: 'rssWavesKiBPerDevice',
      label: (c) =>
        `RSS per idle device, KiB (${c.rss.devices} devices arriving in ${c.rss.waves} waves, ${c.rss.wavePauseMs} ms apart) ↓`,
      digits: 1,
      ratio: true,
    },
  ],
  async run(driver, config): Promise<WorkloadResult> {
    const { devices, settleMs, waves, wavePauseMs } = config.rss;
    const server = await driver.start();
    try {
      const measured = await rssOf(driver, server, devices, settleMs, async (tracker) => {
        const parts: Connections[] = [];
        try {
          const size = Math.floor(devices / waves);
          for (let wave = 0; wave < waves; wave++) {
            // The last wave takes what the division leaves.
            const count = wave < waves - 1 ? size : devices - size * (waves - 1);
            parts.push(await driver.subscribe(server, count, tracker));
            if (wave < waves - 1) await sleep(wavePauseMs);
          }
          await awaitSubscribers(server, devices, tracker);
        } catch (error) {
          await closeAll(...parts);
          throw error;
        }
        return { close: () => closeAll(...parts) };
      });
      return {
        failure: measured.failure,
        metrics: { rssWavesKiBPerDevice: measured.perDeviceKiB },
      };
    } finally {
      await server.stop();
    }
  },
};
