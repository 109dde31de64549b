import { createMemoryBus } from '../adapters/memory-bus.js';
import type { Bus, BusHandler, BusTopic } from '../ports/bus.js';

/**
 * The in-process bus with the failures of a networked one, for tests of what streams do
 * about them: it can drop what is published (a broken link to the other nodes), report a gap
 * to every subscriber (the link is back), and hold subscriptions back before they are live
 * (a broker that has not confirmed them yet).
 */
export function createLossyBus() {
  const inner = createMemoryBus();
  const subscribed = new Map<BusTopic, Set<BusHandler>>();
  let dropping = false;
  let failing = false;
  let holding = false;
  const held: (() => void)[] = [];

  const bus: Bus = {
    async publish(topic, message) {
      if (failing) throw new Error('bus unreachable');
      if (!dropping) await inner.publish(topic, message);
    },
    subscribe(topic, handler) {
      const go = () => {
        let set = subscribed.get(topic);
        if (!set) {
          set = new Set();
          subscribed.set(topic, set);
        }
        set.add(handler);
        return inner.subscribe(topic, handler);
      };
      if (!holding) return go();
      return new Promise<void>((resolve) => held.push(() => void go().then(resolve)));
    },
    unsubscribe(topic, handler) {
      subscribed.get(topic)?.delete(handler);
      inner.unsubscribe(topic, handler);
    },
    close: () => inner.close(),
  };

  return {
    bus,
    /** From now on, published messages reach nobody. */
    drop(): void {
      dropping = true;
    },
    /** From now on, publishing rejects (a broker that cannot be reached). */
    fail(): void {
      failing = true;
    },
    /** Delivers again, and tells every handler once that it may have missed messages. */
    restore(): void {
      dropping = false;
      failing = false;
      const handlers = new Set<BusHandler>();
      for (const set of subscribed.values()) for (const handler of set) handlers.add(handler);
      for (const handler of handlers) handler({ kind: 'gap' });
    },
    /** New subscriptions wait (not live, not delivering) until release(). */
    hold(): void {
      holding = true;
    },
    /** Makes the waiting subscriptions live; how many there were. */
    release(): number {
      holding = false;
      const waiting = held.splice(0);
      for (const go of waiting) go();
      return waiting.length;
    },
    /** Subscriptions waiting to be made live. */
    waiting: (): number => held.length,
    /** How many handlers follow `topic` now. */
    handlers: (topic: BusTopic): number => subscribed.get(topic)?.size ?? 0,
  };
}
