import type { Connections, Publisher } from '../drivers/types.js';
import { closeAll, publishPaced, subscribeAll } from './common.js';
import { startCpuMeter } from './cpu-meter.js';
import { Tracker } from './tracker.js';
import type { Workload } from './types.js';

/**
 * Server CPU per delivery: `rate` messages/s into a room of `subscribers`, below saturation.
 * Server CPU time (user + system) from the first measured publish until every subscriber has
 * the last message, divided by the deliveries.
 */
export const cpuPerDelivery: Workload = {
  name: 'cpu',
  kind: 'shared',
  metrics: [
    {
      key: 'cpuUsPerDelivery',
      label: (c) =>
        `Server CPU per delivery, µs (${c.cpu.rate} msg/s × ${c.cpu.subscribers} subs) ↓`,
      digits: 1,
      ratio: true,
    },
  ],
  async run(driver, server, config) {
    const { subscribers, rate, warmupMessages, messages } = config.cpu;
    const tracker = new Tracker(subscribers, warmupMessages + messages);
    const timeout = config.deliveryTimeoutMs;
    let subs: Connections | undefined;
    let publisher: Publisher | undefined;
    try {
      subs = await subscribeAll(driver, server, subscribers, tracker);
      publisher = await driver.publisher(server, tracker);
      await publishPaced(
        publisher,
        tracker,
        { from: 0, to: warmupMessages },
        rate,
        config.bodyChars,
      );
      await tracker.waitCompleted(warmupMessages, timeout);

      const meter = await startCpuMeter(server);
      const end = warmupMessages + messages;
      await publishPaced(
        publisher,
        tracker,
        { from: warmupMessages, to: end },
        rate,
        config.bodyChars,
      );
      await tracker.waitCompleted(end, timeout);
      const { serverSeconds } = await meter.read();
      tracker.verify(end);
      return {
        failure: tracker.failure,
        metrics: { cpuUsPerDelivery: (serverSeconds * 1e6) / (messages * subscribers) },
      };
    } finally {
      await closeAll(publisher, subs);
    }
  },
};
