import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerHandle } from '../drivers/process.js';
import type { Connections, Driver, Publisher, Sink } from '../drivers/types.js';
import { makeBody } from '../payload.js';
import type { Tracker } from './tracker.js';

export { sleep };

/**
 * Connects `count` subscribers, then (where the server can count them) waits until the server
 * sees exactly that many in the room, so that no publish can race a subscription.
 */
export async function subscribeAll(
  driver: Driver,
  server: ServerHandle,
  count: number,
  tracker: Tracker,
): Promise<Connections> {
  const connections = await driver.subscribe(server, count, tracker);
  await awaitSubscribers(server, count, tracker);
  return connections;
}

/**
 * Waits until the server counts `count` subscribers in the room (at once when it cannot count
 * them: Confab's devices are live once their `sync` event arrived); fails the run after 5 s.
 * The server's count is only known by asking, hence the polling.
 */
export async function awaitSubscribers(
  server: ServerHandle,
  count: number,
  tracker: Tracker,
): Promise<void> {
  const deadline = performance.now() + 5000;
  for (;;) {
    const seen = await server.subscribers();
    if (seen === -1 || seen === count) return;
    if (performance.now() > deadline) {
      tracker.fail(`the server counts ${seen} subscribers, not ${count}`);
      return;
    }
    await sleep(20);
  }
}

/** Passes subscriber `s`'s deliveries on as subscriber `s + offset`'s. */
export const offsetSink = (sink: Sink, offset: number): Sink => ({
  deliver: (subscriber, seq, index) => sink.deliver(subscriber + offset, seq, index),
  fail: sink.fail,
});

/** Publishes message `index` and notes when it went out. */
export function send(
  publisher: Publisher,
  tracker: Tracker,
  index: number,
  bodyChars: number,
): void {
  tracker.markSent(index);
  publisher.publish(index, makeBody(index, bodyChars));
}

/** Publishes messages [from, to) at `rate` per second, on schedule (no drift). */
export async function publishPaced(
  publisher: Publisher,
  tracker: Tracker,
  range: { from: number; to: number },
  rate: number,
  bodyChars: number,
): Promise<void> {
  const start = performance.now();
  for (let index = range.from; index < range.to && !tracker.failed; index++) {
    const due = start + ((index - range.from) * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    send(publisher, tracker, index, bodyChars);
  }
}

/**
 * Closed loop: keeps at most `window` messages published but not yet delivered to every
 * subscriber, from `from` until `to` or `deadline` (performance.now() ms). Returns the index
 * after the last message published.
 */
export async function publishSaturating(
  publisher: Publisher,
  tracker: Tracker,
  options: {
    from: number;
    to: number;
    deadline: number;
    window: number;
    bodyChars: number;
    stallTimeoutMs: number;
  },
): Promise<number> {
  let next = options.from;
  while (next < options.to && performance.now() < options.deadline && !tracker.failed) {
    if (next - tracker.completed < options.window) {
      send(publisher, tracker, next, options.bodyChars);
      next += 1;
    } else {
      await tracker.progressWithin(options.stallTimeoutMs);
    }
  }
  return next;
}

/** Closes the publisher and the subscribers, whatever happened. */
export async function closeAll(...connections: (Connections | undefined)[]): Promise<void> {
  await Promise.allSettled(connections.map((c) => c?.close()));
}
