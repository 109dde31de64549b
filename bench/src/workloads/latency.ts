import type { Connections, Publisher } from '../drivers/types.js';
import { percentile } from '../stats.js';
import { closeAll, publishPaced, subscribeAll } from './common.js';
import { Tracker } from './tracker.js';
import type { Workload } from './types.js';

/**
 * Latency: `rate` messages/s into a room of `subscribers`; every delivery's time from the
 * publisher's send (an HTTP request for Confab, a WebSocket frame for the peers) to its
 * arrival at the subscriber, both in the load generator. Warm-up messages are not counted.
 */
export const latency: Workload = {
  name: 'latency',
  kind: 'shared',
  metrics: [
    {
      key: 'latencyP50Ms',
      label: (c) => `Latency p50, ms (${c.latency.rate} msg/s × ${c.latency.subscribers} subs) ↓`,
      digits: 1,
      ratio: true,
    },
    { key: 'latencyP95Ms', label: () => 'Latency p95, ms ↓', digits: 1, ratio: true },
    { key: 'latencyP99Ms', label: () => 'Latency p99, ms ↓', digits: 1, ratio: true },
  ],
  async run(driver, server, config) {
    const { subscribers, rate, warmupMessages, messages } = config.latency;
    const end = warmupMessages + messages;
    const tracker = new Tracker(subscribers, end, { latency: true });
    tracker.recordLatencyFrom = warmupMessages;
    let subs: Connections | undefined;
    let publisher: Publisher | undefined;
    try {
      subs = await subscribeAll(driver, server, subscribers, tracker);
      publisher = await driver.publisher(server, tracker);
      await publishPaced(publisher, tracker, { from: 0, to: end }, rate, config.bodyChars);
      await tracker.waitCompleted(end, config.deliveryTimeoutMs);
      tracker.verify(end);
      const samples = tracker.latencySamples();
      return {
        failure: tracker.failure,
        metrics: {
          latencyP50Ms: percentile(samples, 50),
          latencyP95Ms: percentile(samples, 95),
          latencyP99Ms: percentile(samples, 99),
        },
      };
    } finally {
      await closeAll(publisher, subs);
    }
  },
};
