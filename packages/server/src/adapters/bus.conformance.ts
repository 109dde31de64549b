import { afterEach, expect, it } from 'vitest';
import type { Bus, BusHandler } from '../ports/bus.js';
import { freshTopic, Recorder, testMessage } from './bus-recorder.js';

/** What a node of the adapter under test may be configured with (adapters ignore the rest). */
export interface NodeOptions {
  commandTimeoutMs?: number;
  onError?: (error: unknown) => void;
}

/** One adapter, as the shared suite sees it. */
export interface BusUnderTest {
  /** A new bus: on a networked adapter, a new node with connections of its own. */
  create(options?: NodeOptions): Promise<Bus>;
  /** What the adapter does beyond the port's minimum; cases needing more are skipped. */
  capabilities: {
    /** Buses from separate `create` calls hear each other (Redis); otherwise each is alone. */
    multiNode: boolean;
    /** A handler that throws neither stops the others nor fails the publish (reported instead). */
    isolatesHandlerErrors: boolean;
  };
  /** The broker under the buses, which the crash cases kill (SIGKILL) and start again. */
  broker?: { kill(): Promise<void>; restart(): Promise<void> };
}

const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

/**
 * The Bus port's promises, run the same way on every adapter (call inside a `describe`).
 *
 * Absence ("X heard nothing") is never checked by waiting: it is checked against a later
 * message that was delivered. Two barriers are used: on one topic of one node, every handler
 * hears a message in the same dispatch; and awaited publishes from one node reach another node
 * in that order across topics (both adapters: the memory bus delivers before `publish`
 * resolves; Redis pushes to each subscriber connection in the order it ran the PUBLISHes).
 */
export function busConformance(adapter: BusUnderTest): void {
  const { multiNode, isolatesHandlerErrors } = adapter.capabilities;
  const open: Bus[] = [];
  let brokerDown = false;

  async function node(options?: NodeOptions): Promise<Bus> {
    const bus = await adapter.create(options);
    open.push(bus);
    return bus;
  }
  /** Publisher and receiver nodes; on a single-node adapter, the same bus twice. */
  async function twoNodes(): Promise<[Bus, Bus]> {
    const a = await node();
    return [a, multiNode ? await node() : a];
  }

  afterEach(async () => {
    if (brokerDown) await adapter.broker?.restart();
    brokerDown = false;
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });

  it('keeps publish order per topic: 1,000 messages from two interleaved publishers', async () => {
    const [a, b] = await twoNodes();
    const topic = freshTopic('order');
    const onA = new Recorder();
    const onB = new Recorder();
    await Promise.all([a.subscribe(topic, onA.handler), b.subscribe(topic, onB.handler)]);
    const sends: Promise<void>[] = [];
    for (const n of range(500)) {
      sends.push(a.publish(topic, testMessage('A', n, topic)));
      sends.push(b.publish(topic, testMessage('B', n, topic)));
    }
    await Promise.all(sends);
    for (const recorder of [onA, onB]) {
      await recorder.until((r) => r.messages.length >= 1000, '1,000 messages');
      for (const from of ['A', 'B']) {
        const mine = recorder.labels.filter((label) => label.startsWith(`${from}:`));
        expect(mine).toEqual(range(500).map((n) => `${from}:${n}@${topic}`));
      }
    }
    // One order per topic: every handler hears the same interleaving.
    expect(onB.labels).toEqual(onA.labels);
  });

  it('delivers to a handler only the topics it subscribed to', async () => {
    const [a, b] = await twoNodes();
    const mine = freshTopic('mine');
    const other = freshTopic('other');
    const handler = new Recorder();
    const neighbour = new Recorder();
    await b.subscribe(mine, handler.handler);
    await b.subscribe(other, neighbour.handler);
    await a.publish(other, testMessage('A', 1, other));
    await a.publish(mine, testMessage('A', 2, mine));
    await handler.heard(`A:2@${mine}`);
    await neighbour.heard(`A:1@${other}`);
    expect(handler.labels).toEqual([`A:2@${mine}`]);
    expect(neighbour.labels).toEqual([`A:1@${other}`]);
  });

  it('stops delivery on unsubscribe, and delivers again after a new subscribe', async () => {
    const [a, b] = await twoNodes();
    const topic = freshTopic('unsub');
    const barrier = freshTopic('barrier');
    const leaves = new Recorder();
    const stays = new Recorder();
    const witness = new Recorder();
    await b.subscribe(topic, leaves.handler);
    await b.subscribe(topic, stays.handler);
    await b.subscribe(barrier, witness.handler);
    await a.publish(topic, testMessage('A', 1, topic));
    await stays.heard(`A:1@${topic}`);

    b.unsubscribe(topic, leaves.handler);
    await a.publish(topic, testMessage('A', 2, topic));
    await stays.heard(`A:2@${topic}`);
    expect(leaves.labels).toEqual([`A:1@${topic}`]);

    // The last local handler leaves (on Redis the node's UNSUBSCRIBE goes out).
    b.unsubscribe(topic, stays.handler);
    b.unsubscribe(topic, stays.handler); // a second time: nothing
    await a.publish(topic, testMessage('A', 3, topic));
    await a.publish(barrier, testMessage('A', 4, barrier));
    await witness.heard(`A:4@${barrier}`);
    expect(stays.labels).toEqual([`A:1@${topic}`, `A:2@${topic}`]);

    // Subscribe again at once: on Redis, while the UNSUBSCRIBE may still be in flight.
    b.unsubscribe(barrier, witness.handler);
    await b.subscribe(barrier, witness.handler);
    await b.subscribe(topic, leaves.handler);
    await a.publish(topic, testMessage('A', 5, topic));
    await a.publish(barrier, testMessage('A', 6, barrier));
    await witness.heard(`A:6@${barrier}`);
    expect(leaves.labels).toEqual([`A:1@${topic}`, `A:5@${topic}`]);
    expect(witness.labels).toEqual([`A:4@${barrier}`, `A:6@${barrier}`]);
    expect(stays.labels).toHaveLength(2);
  });

  it('delivers each message once to a handler subscribed twice, and one unsubscribe ends it', async () => {
    const [a, b] = await twoNodes();
    const topic = freshTopic('twice');
    const twice = new Recorder();
    const witness = new Recorder();
    await Promise.all([b.subscribe(topic, twice.handler), b.subscribe(topic, twice.handler)]);
    await b.subscribe(topic, twice.handler);
    await b.subscribe(topic, witness.handler);
    for (const n of range(3)) await a.publish(topic, testMessage('A', n, topic));
    await witness.heard(`A:3@${topic}`);
    expect(twice.labels).toEqual(range(3).map((n) => `A:${n}@${topic}`));

    b.unsubscribe(topic, twice.handler);
    await a.publish(topic, testMessage('A', 4, topic));
    await witness.heard(`A:4@${topic}`);
    expect(twice.labels).toHaveLength(3);
  });

  it('delivers one message on each of 5,000 topics exactly once to its handler', async () => {
    const [a, b] = await twoNodes();
    const all = range(5000).map(() => ({ topic: freshTopic('many'), recorder: new Recorder() }));
    await Promise.all(all.map(({ topic, recorder }) => b.subscribe(topic, recorder.handler)));
    // The second round proves the first came once: a duplicate would precede it on its topic.
    for (const round of [1, 2]) {
      await Promise.all(all.map(({ topic }) => a.publish(topic, testMessage('A', round, topic))));
      await Promise.all(all.map(({ topic, recorder }) => recorder.heard(`A:${round}@${topic}`)));
    }
    for (const { topic, recorder } of all) {
      expect(recorder.labels).toEqual([`A:1@${topic}`, `A:2@${topic}`]);
    }
  });

  it('resolves subscribe only once live: a publish right after it is always heard', async () => {
    const [a, b] = await twoNodes();
    // Concurrently, half of the subscribers on the publisher's own node...
    await Promise.all(
      range(200).map(async (n) => {
        const topic = freshTopic('live');
        const recorder = new Recorder();
        await (n % 2 ? a : b).subscribe(topic, recorder.handler);
        await a.publish(topic, testMessage('A', n, topic));
        await recorder.heard(`A:${n}@${topic}`);
      }),
    );
    // ...behind a burst of other subscribes, so the one awaited waits its turn on the wire...
    const burst = range(2000).map(() => b.subscribe(freshTopic('burst'), new Recorder().handler));
    const topic = freshTopic('behind');
    const behind = new Recorder();
    await b.subscribe(topic, behind.handler);
    await a.publish(topic, testMessage('A', 1, topic));
    await behind.heard(`A:1@${topic}`);
    await Promise.all(burst);
    // ...and one after another, where nothing else keeps the connections busy.
    for (const n of range(50)) {
      const topic = freshTopic('live-seq');
      const recorder = new Recorder();
      await b.subscribe(topic, recorder.handler);
      await a.publish(topic, testMessage('A', n, topic));
      await recorder.heard(`A:${n}@${topic}`);
    }
  });

  it.skipIf(!multiNode)('lets two nodes hear each other (and themselves)', async () => {
    const a = await node();
    const b = await node();
    const topic = freshTopic('nodes');
    const onA = new Recorder();
    const onB = new Recorder();
    await a.subscribe(topic, onA.handler);
    await b.subscribe(topic, onB.handler);
    await a.publish(topic, testMessage('A', 1, topic));
    await b.publish(topic, testMessage('B', 1, topic));
    for (const recorder of [onA, onB]) {
      await recorder.heard(`B:1@${topic}`);
      expect(recorder.labels).toEqual([`A:1@${topic}`, `B:1@${topic}`]);
    }
  });

  it.skipIf(!isolatesHandlerErrors)(
    'keeps delivering to the others when a handler throws',
    async () => {
      const reported: unknown[] = [];
      const b = await node({ onError: (error) => reported.push(error) });
      const a = multiNode ? await node() : b;
      const topic = freshTopic('throws');
      const good = new Recorder();
      const bad: BusHandler = () => {
        throw new Error('handler bug');
      };
      await b.subscribe(topic, bad);
      await b.subscribe(topic, good.handler);
      await a.publish(topic, testMessage('A', 1, topic));
      await a.publish(topic, testMessage('A', 2, topic));
      await good.heard(`A:2@${topic}`);
      expect(good.labels).toEqual([`A:1@${topic}`, `A:2@${topic}`]);
      expect(reported).toEqual([new Error('handler bug'), new Error('handler bug')]);
    },
  );

  const { broker } = adapter;

  it.skipIf(!broker)(
    'after a broker crash and restart, gives every handler one gap, then delivers again',
    async () => {
      if (!broker) return;
      const a = await node();
      const b = await node();
      const [t1, t2, t3] = [freshTopic('crash'), freshTopic('crash'), freshTopic('crash')];
      const subscriptions = [
        { bus: a, topics: [t1], recorder: new Recorder() },
        { bus: a, topics: [t2], recorder: new Recorder() },
        { bus: b, topics: [t1], recorder: new Recorder() },
        // One handler following three topics: the gap names no topic, so it hears one.
        { bus: b, topics: [t1, t2, t3], recorder: new Recorder() },
      ];
      for (const { bus, topics, recorder } of subscriptions) {
        for (const topic of topics) await bus.subscribe(topic, recorder.handler);
      }
      const round = async (n: number) => {
        for (const [bus, from] of [
          [a, 'A'],
          [b, 'B'],
        ] as const) {
          for (const topic of [t1, t2, t3]) await bus.publish(topic, testMessage(from, n, topic));
        }
      };
      const expected = (n: number, topics: string[]) =>
        ['A', 'B'].flatMap((from) => topics.map((topic) => `${from}:${n}@${topic}`));

      await round(1);
      for (const { topics, recorder } of subscriptions) {
        await recorder.until((r) => r.messages.length === topics.length * 2, 'round 1');
      }
      brokerDown = true;
      await broker.kill();
      await broker.restart();
      brokerDown = false;
      for (const { recorder } of subscriptions) {
        await recorder.until((r) => r.count('gap') > 0, 'a gap');
      }
      await round(2);
      for (const { topics, recorder } of subscriptions) {
        await recorder.heard(expected(2, topics).at(-1) ?? '');
        expect(recorder.labels).toEqual([...expected(1, topics), 'gap', ...expected(2, topics)]);
      }
    },
  );

  it.skipIf(!broker)(
    'refuses publish and subscribe within the timeout while the broker is down',
    async () => {
      if (!broker) return;
      const timeoutMs = 300;
      const bus = await node({ commandTimeoutMs: timeoutMs });
      brokerDown = true;
      await broker.kill();

      let started = performance.now();
      let publishing: Promise<void> = Promise.resolve();
      expect(() => {
        publishing = bus.publish(freshTopic('down'), testMessage('A', 1));
      }).not.toThrow();
      // Whether the node had noticed the crash yet (then it waits the timeout for the broker) or
      // wrote to the dead connection (then it fails at once), it rejects, and never later.
      await expect(publishing).rejects.toBeInstanceOf(Error);
      expect(performance.now() - started).toBeLessThan(timeoutMs + 10_000); // a guard: it never hangs

      started = performance.now();
      await expect(
        bus.subscribe(freshTopic('down'), new Recorder().handler),
      ).rejects.toBeInstanceOf(Error);
      expect(performance.now() - started).toBeLessThan(timeoutMs + 10_000); // a guard: it never hangs

      // close() does not wait for the broker, and rejects a subscribe still pending.
      const pending = bus.subscribe(freshTopic('down'), new Recorder().handler);
      started = performance.now();
      await bus.close();
      await expect(pending).rejects.toThrow(/closed/);
      expect(performance.now() - started).toBeLessThan(timeoutMs + 10_000); // a guard: it never hangs
    },
  );
}
