import type { Connections, Publisher } from '../drivers/types.js';
import { closeAll, publishSaturating, subscribeAll } from './common.js';
import { Tracker } from './tracker.js';
import type { Workload } from './types.js';

/**
 * Fan-out throughput at saturation: `subscribers` in one room, a closed-loop publisher keeping
 * `window` messages in flight for `durationMs` (after a warm-up). Reports deliveries per
 * second (messages × subscribers), and how busy the server and the load generator were.
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
    const { subscribers, window, warmupMessages, durationMs, maxMessages } = config.fanout;
    const tracker = new Tracker(subscribers, warmupMessages + maxMessages);
    const timeout = config.deliveryTimeoutMs;
    let subs: Connections | undefined;
    let publisher: Publisher | undefined;
    try {
      subs = await subscribeAll(driver, server, subscribers, tracker);
      publisher = await driver.publisher(server, tracker);
      const common = { window, bodyChars: config.bodyChars, stallTimeoutMs: timeout };
      const warm = await publishSaturating(publisher, tracker, {
        ...common,
        from: 0,
        to: warmupMessages,
        deadline: Number.POSITIVE_INFINITY,
      });
      await tracker.waitCompleted(warm, timeout);

      const serverCpu0 = await server.cpuMicros();
      const loadCpu0 = process.cpuUsage();
      const t0 = performance.now();
      const end = await publishSaturating(publisher, tracker, {
        ...common,
        from: warm,
        to: warmupMessages + maxMessages,
        deadline: t0 + durationMs,
      });
      await tracker.waitCompleted(end, timeout);
      const seconds = (performance.now() - t0) / 1000;
      const serverCpu = (await server.cpuMicros()) - serverCpu0;
      const loadCpu = process.cpuUsage(loadCpu0);
      tracker.verify(end);
      return {
        failure: tracker.failure,
        metrics: {
          deliveriesPerSec: ((end - warm) * subscribers) / seconds,
          fanoutServerCpuPct: serverCpu / 1e4 / seconds,
          fanoutLoadgenCpuPct: (loadCpu.user + loadCpu.system) / 1e4 / seconds,
        },
      };
    } finally {
      await closeAll(publisher, subs);
    }
  },
};
