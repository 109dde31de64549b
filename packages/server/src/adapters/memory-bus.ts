import type { Bus, BusHandler, BusTopic } from '../ports/bus.js';

/** The in-process bus: delivery is synchronous, in publish order, to this node only. */
export function createMemoryBus(): Bus {
  const topics = new Map<BusTopic, Set<BusHandler>>();
  return {
    async publish(topic, message) {
      const handlers = topics.get(topic);
      if (!handlers) return;
      // Copy: a handler may unsubscribe (or subscribe others) while we iterate.
      for (const handler of [...handlers]) handler(message);
    },
    subscribe(topic, handler) {
      let handlers = topics.get(topic);
      if (!handlers) {
        handlers = new Set();
        topics.set(topic, handlers);
      }
      handlers.add(handler);
    },
    unsubscribe(topic, handler) {
      const handlers = topics.get(topic);
      if (!handlers) return;
      handlers.delete(handler);
      if (handlers.size === 0) topics.delete(topic);
    },
    async close() {
      topics.clear();
    },
  };
}
