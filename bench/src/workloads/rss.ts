import type { Connections } from '../drivers/types.js';
import { closeAll, sleep, subscribeAll } from './common.js';
import { Tracker } from './tracker.js';
import type { Workload } from './types.js';

/** Devices connected and dropped first, so code paths and pools are warm before the baseline. */
const WARMUP_DEVICES = 20;

/**
 * Memory per idle device: RSS of the server process (after a full GC) with `devices` connected
 * and subscribed to the room, minus RSS before they connected, divided by `devices`.
 * Run it first on a fresh server: RSS rarely shrinks, so earlier load would hide the growth.
 * Also that baseline: the process with nothing connected, warmed by a few devices come and gone.
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
  async run(driver, server, config) {
    const { devices, settleMs } = config.rss;
    const tracker = new Tracker(devices, 0);
    let subs: Connections | undefined;
    try {
      const warm = await subscribeAll(driver, server, Math.min(WARMUP_DEVICES, devices), tracker);
      await warm.close();
      await sleep(200);
      await server.gc();
      const before = await server.rssBytes();

      subs = await subscribeAll(driver, server, devices, tracker);
      await sleep(settleMs);
      await server.gc();
      const after = await server.rssBytes();
      tracker.verify(0);
      return {
        failure: tracker.failure,
        metrics: {
          rssKiBPerDevice: (after - before) / 1024 / devices,
          idleRssMiB: before / 1024 / 1024,
        },
      };
    } finally {
      await closeAll(subs);
    }
  },
};
