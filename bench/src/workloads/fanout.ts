import { subscribeAll } from './common.js';
import { measureSaturation } from './saturation.js';
import type { Workload } from './types.js';

/**
 * Fan-out throughput at saturation over WebSocket: `subscribers` in one room, a closed-loop
 * publisher keeping `window` messages in flight for `durationMs` (after a warm-up). Reports
 * deliveries per second (messages × subscribers), and how busy the server and the load
 * generator were.
 */
export const fanout: Workload = {
  name: 'fanout',
  kind: 'shared',
  metrics: [
    {
      key: 'deliveriesPerSec',
      label: (c) => `Fan-out at saturation, delivered msgs/s (${c.fanout.subscribers} subs) ↑`,
      digits: 0,
      ratio: true,
      loadgenCpuKey: 'fanoutLoadgenCpuPct',
    },
    {
      key: 'fanoutServerCpuPct',
      label: () => '  server CPU during fan-out, % of a core',
      digits: 0,
      ratio: false,
    },
    {
      key: 'fanoutLoadgenCpuPct',
      label: () => '  load generator CPU during fan-out, %',
      digits: 0,
      ratio: false,
    },
  ],
  async run(driver, server, config) {
    const { failure, figures } = await measureSaturation(
      driver,
      server,
      config,
      config.fanout,
      (count, tracker) => subscribeAll(driver, server, count, tracker),
    );
    return {
      failure,
      metrics: {
        deliveriesPerSec: figures.deliveriesPerSec,
        fanoutServerCpuPct: figures.serverCpuPct,
        fanoutLoadgenCpuPct: figures.loadgenCpuPct,
      },
    };
  },
};
