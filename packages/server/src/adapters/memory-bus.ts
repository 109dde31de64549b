import type { Bus, BusMessage, BusTopic } from '../ports/bus.js';

/** The in-process bus: delivery is synchronous, in publish order, to this node only. */
export function createMemoryBus(): Bus {
  const topics = new Map<BusTopic, Set<(message: BusMessage) => void>>();
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
      return () => {
        const current = topics.get(topic);
        if (!current) return;
        current.delete(handler);
        if (current.size === 0) topics.delete(topic);
      };
    },
    async close() {
      topics.clear();
    },
  };
}
