import type { Bus, BusHandler, BusTopic } from '../ports/bus.js';
import { reportError } from '../report.js';
import { HandlerSet } from './handler-set.js';

/** One settled promise for every subscription: an idle device holds no promise of its own. */
const LIVE = Promise.resolve();

/**
 * The in-process bus: delivery is synchronous, in publish order, to this node only. A
 * subscription is live at once and nothing is ever lost, so it never reports a gap.
 */
export function createMemoryBus(
  options: {
    /** Where a handler that threw is reported (the others still hear the message). @default reportError */
    onError?: (error: unknown) => void;
  } = {},
): Bus {
  const onError = options.onError ?? ((error: unknown) => reportError('bus handler', error));
  const topics = new Map<BusTopic, HandlerSet<BusHandler>>();
  return {
    async publish(topic, message) {
      const handlers = topics.get(topic);
      if (!handlers) return;
      // A snapshot: a handler may unsubscribe (or subscribe others) while we iterate.
      for (const handler of handlers.snapshot()) {
        try {
          handler(message);
        } catch (error) {
          // One subscriber's bug must not keep the message from the rest, nor fail the publish
          // of a change already committed.
          onError(error);
        }
      }
    },
    subscribe(topic, handler) {
      let handlers = topics.get(topic);
      if (!handlers) {
        handlers = new HandlerSet();
        topics.set(topic, handlers);
      }
      handlers.add(handler);
      return LIVE;
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
