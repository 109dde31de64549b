import type { Connections, Publisher } from '../drivers/types.js';
import { closeAll, publishPaced, subscribeAll } from './common.js';
import { startCpuMeter } from './cpu-meter.js';
import { startReadMeter } from './read-meter.js';
import { Tracker } from './tracker.js';
import type { Workload } from './types.js';

/**
 * Server CPU per delivery: `rate` messages/s into a room of `subscribers`, below saturation.
 * Server CPU time (user + system) from the first measured publish until every subscriber has
 * the last message, divided by the deliveries. Also the bytes the subscribers read meanwhile
 * (every frame, keep-alives included) per delivery.
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
    {
      key: 'bytesPerDelivery',
      label: (c) =>
        `Bytes on the wire per delivery (read by the subscribers; ${c.bodyChars}-char body) ↓`,
      digits: 0,
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
      await publisher.prepare?.({ from: 0, to: warmupMessages + messages });
      await publishPaced(
        publisher,
        tracker,
        { from: 0, to: warmupMessages },
        rate,
        config.bodyChars,
      );
      await tracker.waitCompleted(warmupMessages, timeout);

      const meter = await startCpuMeter(server);
      const wire = await startReadMeter();
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
      const bytes = await wire.read();
      tracker.verify(end);
      const deliveries = messages * subscribers;
      return {
        failure: tracker.failure,
        metrics: {
          cpuUsPerDelivery: (serverSeconds * 1e6) / deliveries,
          bytesPerDelivery: bytes / deliveries,
        },
      };
    } finally {
      await closeAll(publisher, subs);
    }
  },
};
