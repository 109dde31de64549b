/*
 * Why pub/sub and not streams. The bus is allowed to lose messages as long as it says so: the
 * log in the store has everything, and a stream that hears `gap` re-reads it. Redis Streams
 * would let a node replay what it missed, but a second, partial copy of the log costs a key per
 * topic (thousands of rooms and users), trimming policy and memory in Redis, and one XREAD BLOCK
 * per connection that must be interrupted and re-issued whenever a topic is added, while the
 * replay would still have to fall back to the store past its trim. Pub/sub costs nothing at rest,
 * a SUBSCRIBE per followed topic, and PUBLISH fans out inside Redis. What it lacks is knowing
 * that something was lost, which this adapter adds: a `gap` after every reconnection of the
 * subscriber connection, and a per-(publisher, topic) counter on every message so that a hole
 * (a publish that failed while its publisher's connection was down) is noticed by receivers.
 *
 * A publish while Redis is unreachable waits in node-redis's offline queue for at most
 * `commandTimeoutMs`, then rejects; it never throws synchronously and never waits longer. Held
 * rather than refused at once, because a blip shorter than the timeout then loses nothing and
 * keeps the publisher's order; not held longer, because the caller (a send that already
 * committed to the log) should answer its user, and the log still has the message: its counter
 * is spent, so receivers see the hole as a gap and re-read.
 */
import { loadRedis } from '../lazy-modules.js';
import { fallbackLogger } from '../observability/logger.js';
import type { Observer } from '../observability/observer.js';
import type { Bus, BusHandler, BusMessage, BusTopic } from '../ports/bus.js';
import { HandlerSet } from './handler-set.js';
import { type Envelope, parseEnvelope, SeqTracker, Stamper } from './redis-bus-wire.js';
import { answeredWithin } from './redis-client.js';

export interface RedisBusOptions {
  /**
   * Longest wait for a PUBLISH or SUBSCRIBE to be confirmed. A publish while Redis is
   * unreachable waits in the client's queue this long (a short blip costs nothing), then rejects.
   * @default 2000
   */
  commandTimeoutMs?: number;
  /** Longest wait for both connections when the bus is created. @default 10000 */
  connectTimeoutMs?: number;
  /** Cap of the exponential backoff between reconnection attempts. @default 1000 */
  reconnectMaxDelayMs?: number;
  /** Prefixed to every topic to make its Redis channel, so apps can share a Redis. @default 'confab:' */
  channelPrefix?: string;
  /**
   * Where the bus reports what it cannot throw to anyone: a handler that threw, a connection
   * lost (once per outage, not once per retry), a message it could not read.
   * @default the observing server's logger (error level), else stderr
   */
  onError?: (error: unknown, context: RedisBusErrorContext) => void;
}

export type RedisBusErrorContext = 'handler' | 'connection' | 'message';

/** Why a publish or subscribe of the Redis bus was refused. */
export class RedisBusError extends Error {
  constructor(
    readonly code: 'timeout' | 'closed' | 'failed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RedisBusError';
  }
}

/** One followed topic: its local handlers behind the one Redis subscription of this process. */
interface Topic {
  readonly handlers: HandlerSet<BusHandler>;
  /** Settles when Redis confirms the SUBSCRIBE (or it fails: closed, timeout, connection lost). */
  live: Promise<void>;
  confirmed: boolean;
  /** Followed when the subscriber connection dropped: owes its handlers a gap once it is back. */
  stale: boolean;
  /** An UNSUBSCRIBE of this (dead) entry is in flight. */
  leaving: boolean;
  readonly seq: SeqTracker;
  readonly listener: (raw: string) => void;
  fail: (error: Error) => void;
}

const GAP: BusMessage = { kind: 'gap' };

/**
 * The bus for several processes: Redis pub/sub, one SUBSCRIBE per topic per process however
 * many local handlers, `gap` after the subscriber connection comes back and when a publisher's
 * counter jumps. Resolves once both connections are ready.
 */
export async function createRedisBus(url: string, options: RedisBusOptions = {}): Promise<Bus> {
  const commandTimeoutMs = options.commandTimeoutMs ?? 2000;
  const maxDelayMs = options.reconnectMaxDelayMs ?? 1000;
  const prefix = options.channelPrefix ?? 'confab:';
  let observer: Observer | undefined;
  const report =
    options.onError ??
    ((error, context) =>
      (observer?.log ?? fallbackLogger).error({ err: error, context }, `redis bus: ${context}`));

  const { createClient, TimeoutError } = await loadRedis();
  const publisher = createClient({
    url,
    // Exponential from 50 ms, capped, with jitter so that nodes do not reconnect in lockstep
    // after a Redis restart (node-redis's own default, with a cap we choose).
    socket: {
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, maxDelayMs) + Math.random() * 100,
    },
  });
  const subscriber = publisher.duplicate();
  // The queue timeout drops a PUBLISH not yet written when it expires (it is then never sent
  // late); `bounded` below also covers one written and not answered.
  const timedPublisher = publisher.withCommandOptions({ timeout: commandTimeoutMs });
  const topics = new Map<BusTopic, Topic>();
  const stamper = new Stamper();
  let closed = false;

  for (const client of [publisher, subscriber]) {
    let down = false;
    // node-redis emits 'error' on every failed attempt of a reconnection: report the outage once.
    client.on('error', (error: unknown) => {
      if (!down && !closed) report(error, 'connection');
      down = true;
    });
    client.on('ready', () => {
      down = false;
    });
  }
  // node-redis re-subscribes every channel it knows before it emits 'ready' again (v6 resends
  // them from the socket initiator and awaits the replies), so 'ready' means the subscriptions
  // are live; whatever was published between the drop and now is lost: say so.
  subscriber.on('reconnecting', () => {
    for (const topic of topics.values()) {
      topic.stale = true;
      topic.seq.reset();
    }
  });
  subscriber.on('ready', () => {
    const owed = new Set<BusHandler>();
    for (const topic of topics.values()) {
      // One still unconfirmed was subscribed while down: its caller reads the store after it.
      if (topic.stale && topic.confirmed) for (const handler of topic.handlers) owed.add(handler);
      topic.stale = false;
    }
    // The gap names no topic, so a handler following several affected topics hears it once.
    for (const handler of owed) deliver(handler, GAP);
  });

  function deliver(handler: BusHandler, message: BusMessage): void {
    try {
      handler(message);
    } catch (error) {
      report(error, 'handler');
    }
  }

  function dispatch(topic: Topic, message: BusMessage): void {
    // A snapshot: a handler may unsubscribe (or subscribe others) while we iterate.
    for (const handler of topic.handlers.snapshot()) deliver(handler, message);
  }

  function receive(name: BusTopic, topic: Topic, raw: string): void {
    // A dead entry still subscribed (its UNSUBSCRIBE failed or lost a race): retry, deliver nothing.
    if (topics.get(name) !== topic) {
      unfollow(name, topic);
      return;
    }
    const envelope: Envelope | undefined = parseEnvelope(raw);
    if (envelope === undefined) {
      report(new Error(`unreadable message on ${name}`), 'message');
      dispatch(topic, GAP);
      return;
    }
    if (topic.seq.missedBefore(envelope)) dispatch(topic, GAP);
    // Once per message and process (not per handler); the clocks of two machines are compared.
    if (envelope.t !== undefined) observer?.metrics.busReceived(Date.now() - envelope.t);
    dispatch(topic, envelope.m);
  }

  /** Starts the one Redis subscription of `name` in this process. */
  function follow(name: BusTopic): Topic {
    const topic: Topic = {
      handlers: new HandlerSet(),
      live: Promise.resolve(),
      confirmed: false,
      stale: false,
      leaving: false,
      seq: new SeqTracker(),
      listener: (raw) => receive(name, topic, raw),
      fail: () => {},
    };
    topic.live = new Promise<void>((resolve, reject) => {
      let settled = false;
      const guard = setTimeout(() => {
        topic.fail(
          new RedisBusError('timeout', `SUBSCRIBE ${name}: no answer in ${commandTimeoutMs} ms`),
        );
      }, commandTimeoutMs);
      topic.fail = (error) => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        if (topics.get(name) === topic) {
          topics.delete(name);
          // Cancels a SUBSCRIBE still queued: the client sends them in order.
          unfollow(name, topic);
        }
        reject(error);
      };
      // Called synchronously, not after an await: an unsubscribe right after this subscribe
      // must reach the client's queue after the SUBSCRIBE, not before.
      subscribed(prefix + name, topic.listener).then(
        () => {
          if (settled) return;
          settled = true;
          clearTimeout(guard);
          topic.confirmed = true;
          resolve();
        },
        (error: unknown) =>
          topic.fail(new RedisBusError('failed', `SUBSCRIBE ${name} failed`, { cause: error })),
      );
    });
    // Callers that went away (unsubscribed, closed) may never look at a rejection.
    topic.live.catch(() => {});
    return topic;
  }

  function subscribed(channel: string, listener: (raw: string) => void): Promise<void> {
    try {
      return subscriber.subscribe(channel, listener);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Ends the Redis subscription of a dead entry; node-redis keeps a channel others listen to. */
  function unfollow(name: BusTopic, topic: Topic): void {
    if (closed || topic.leaving) return;
    topic.leaving = true;
    const done = () => {
      // If it failed (connection lost), node-redis re-subscribes the channel on reconnect and
      // the next message reaching this dead entry retries.
      topic.leaving = false;
    };
    try {
      subscriber.unsubscribe(prefix + name, topic.listener).then(done, done);
    } catch {
      done();
    }
  }

  try {
    await bounded(
      Promise.all([publisher.connect(), subscriber.connect()]),
      options.connectTimeoutMs ?? 10_000,
      `connect to ${new URL(url).host}`,
    );
  } catch (error) {
    publisher.destroy();
    subscriber.destroy();
    throw error;
  }

  return {
    spansProcesses: true,
    async publish(topic, message) {
      if (closed) throw new RedisBusError('closed', 'the bus is closed');
      const payload = stamper.stamp(topic, message);
      try {
        await bounded(
          timedPublisher.publish(prefix + topic, payload),
          commandTimeoutMs,
          `PUBLISH ${topic}`,
        );
      } catch (error) {
        if (error instanceof RedisBusError) throw error;
        // The client's queue timeout fired first (the command was never sent).
        if (error instanceof TimeoutError) {
          throw new RedisBusError(
            'timeout',
            `PUBLISH ${topic}: no answer in ${commandTimeoutMs} ms`,
          );
        }
        throw new RedisBusError('failed', `PUBLISH ${topic} failed`, { cause: error });
      }
    },
    subscribe(name, handler) {
      if (closed) return Promise.reject(new RedisBusError('closed', 'the bus is closed'));
      let topic = topics.get(name);
      if (!topic) {
        topic = follow(name);
        topics.set(name, topic);
      }
      topic.handlers.add(handler);
      // While the connection is down, a topic already followed answers at once: its handlers
      // (this one too) get the gap when the connection is back.
      return topic.live;
    },
    unsubscribe(name, handler) {
      const topic = topics.get(name);
      if (!topic?.handlers.delete(handler) || topic.handlers.size > 0) return;
      topics.delete(name);
      unfollow(name, topic);
    },
    async ping() {
      if (closed) throw new RedisBusError('closed', 'the bus is closed');
      await bounded(timedPublisher.ping(), commandTimeoutMs, 'PING');
    },
    observe(next) {
      observer = next;
    },
    async close() {
      if (closed) return;
      closed = true;
      const error = new RedisBusError('closed', 'the bus is closed');
      for (const topic of topics.values()) topic.fail(error);
      topics.clear();
      // destroy() rejects what is still queued, so dead entries' pending SUBSCRIBEs reject too.
      subscriber.destroy();
      // Let publishes already written finish, within the same bound as any command.
      await bounded(publisher.close(), commandTimeoutMs, 'QUIT').catch(() => {});
      publisher.destroy();
    },
  };
}

/** `promise`, or a RedisBusError('timeout') after `ms`; never waits longer. */
function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return answeredWithin(
    promise,
    ms,
    () => new RedisBusError('timeout', `${what}: no answer in ${ms} ms`),
  );
}
