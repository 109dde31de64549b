import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  freeLoopbackPort,
  startRedisServer,
  type TestRedisServer,
} from '../__tests__/redis-server.js';
import type { Bus, BusTopic } from '../ports/bus.js';
import { freshTopic, Recorder, testMessage } from './bus-recorder.js';
import {
  createRedisBus,
  RedisBusError,
  type RedisBusErrorContext,
  type RedisBusOptions,
} from './redis-bus.js';
import type { Envelope } from './redis-bus-wire.js';

// What the shared suite cannot see from outside the port: the Redis side of the subscriptions,
// the counters on the wire, and reconnection of the subscriber connection alone.
describe('Redis bus, on the wire', () => {
  let redis: TestRedisServer;
  let raw: ReturnType<typeof createClient>;
  const open: Bus[] = [];
  const reported: Array<{ error: unknown; context: string }> = [];

  async function node(options: RedisBusOptions = {}): Promise<Bus> {
    const bus = await createRedisBus(redis.url, {
      reconnectMaxDelayMs: 100,
      onError: (error, context) => reported.push({ error, context }),
      ...options,
    });
    open.push(bus);
    return bus;
  }
  /** How many connections Redis has subscribed to the topic's channel. */
  async function subscribers(topic: BusTopic): Promise<number> {
    const reply = (await raw.sendCommand(['PUBSUB', 'NUMSUB', `confab:${topic}`])) as [
      string,
      number,
    ];
    return reply[1];
  }
  function publishRaw(topic: BusTopic, envelope: Envelope | string) {
    const payload = typeof envelope === 'string' ? envelope : JSON.stringify(envelope);
    return raw.publish(`confab:${topic}`, payload);
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    raw = createClient({ url: redis.url });
    raw.on('error', () => {});
    await raw.connect();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
    reported.length = 0;
  });
  afterAll(async () => {
    raw?.destroy();
    await redis?.stop();
  });

  it('holds one Redis subscription per topic per process, and drops it with the last handler', async () => {
    const [a, b] = [await node(), await node()];
    const topic = freshTopic('one-sub');
    const handlers = [new Recorder(), new Recorder(), new Recorder()];
    await Promise.all(handlers.map((h) => a.subscribe(topic, h.handler)));
    expect(await subscribers(topic)).toBe(1);
    await b.subscribe(topic, new Recorder().handler);
    expect(await subscribers(topic)).toBe(2);

    for (const h of handlers) a.unsubscribe(topic, h.handler);
    // A SUBSCRIBE confirmed on the same connection was sent after the UNSUBSCRIBE: Redis ran both.
    await a.subscribe(freshTopic('barrier'), new Recorder().handler);
    expect(await subscribers(topic)).toBe(1);
  });

  it('leaves no subscription behind after unsubscribe/subscribe races on one topic', async () => {
    const bus = await node();
    const topic = freshTopic('race');
    const [first, second, third] = [new Recorder(), new Recorder(), new Recorder()];
    await bus.subscribe(topic, first.handler);
    bus.unsubscribe(topic, first.handler); // UNSUBSCRIBE in flight...
    const pending = bus.subscribe(topic, second.handler); // ...a new SUBSCRIBE behind it...
    bus.unsubscribe(topic, second.handler); // ...whose entry dies before Redis confirms it.
    await pending;
    await bus.subscribe(topic, third.handler);
    expect(await subscribers(topic)).toBe(1);

    await bus.publish(topic, testMessage('A', 1, topic));
    await third.heard(`A:1@${topic}`);
    expect([first.labels, second.labels, third.labels]).toEqual([[], [], [`A:1@${topic}`]]);

    bus.unsubscribe(topic, third.handler);
    await bus.subscribe(freshTopic('barrier'), new Recorder().handler);
    expect(await subscribers(topic)).toBe(0);
  });

  it("reports a gap before the message that follows a jump in a publisher's counter", async () => {
    const bus = await node();
    const topic = freshTopic('seq');
    const recorder = new Recorder();
    await bus.subscribe(topic, recorder.handler);
    const m = (n: number) => testMessage('X', n, topic);
    await publishRaw(topic, { p: 'x', n: 7, m: m(7) }); // first heard: a baseline, no gap
    await publishRaw(topic, { p: 'x', n: 8, m: m(8) });
    await publishRaw(topic, { p: 'y', n: 1, m: testMessage('Y', 1, topic) }); // another publisher
    await publishRaw(topic, { p: 'x', n: 10, m: m(10) }); // 9 lost
    await publishRaw(topic, { p: 'x', n: 11, m: m(11) });
    await recorder.heard(`X:11@${topic}`);
    expect(recorder.labels).toEqual([
      `X:7@${topic}`,
      `X:8@${topic}`,
      `Y:1@${topic}`,
      'gap',
      `X:10@${topic}`,
      `X:11@${topic}`,
    ]);
  });

  it('reports a gap, and the unreadable message, when a payload is not one of ours', async () => {
    const bus = await node();
    const topic = freshTopic('garbage');
    const recorder = new Recorder();
    await bus.subscribe(topic, recorder.handler);
    await publishRaw(topic, 'not json');
    await publishRaw(topic, { p: 'x', n: 1, m: testMessage('X', 1, topic) });
    await recorder.heard(`X:1@${topic}`);
    expect(recorder.labels).toEqual(['gap', `X:1@${topic}`]);
    expect(reported.map(({ context }) => context)).toEqual(['message']);
  });

  it('gives one gap to each handler when only the subscriber connection is cut, then delivers', async () => {
    const bus = await node();
    const [t1, t2] = [freshTopic('cut'), freshTopic('cut')];
    const [one, both] = [new Recorder(), new Recorder()];
    await bus.subscribe(t1, one.handler);
    await bus.subscribe(t1, both.handler);
    await bus.subscribe(t2, both.handler);
    await bus.publish(t1, testMessage('A', 1, t1));
    await raw.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    // Most likely lost (the subscriber reconnects after a backoff); then the next counter jumps,
    // and that is the same loss as the reconnection's: still one gap.
    await bus.publish(t1, testMessage('A', 2, t1));
    await one.until((r) => r.count('gap') > 0, 'a gap');
    await both.until((r) => r.count('gap') > 0, 'a gap');
    await bus.publish(t1, testMessage('A', 3, t1));
    await bus.publish(t2, testMessage('A', 4, t2));
    await both.heard(`A:4@${t2}`);
    const maybeLost = (labels: string[]) => labels.filter((label) => label !== `A:2@${t1}`);
    expect(maybeLost(one.labels)).toEqual([`A:1@${t1}`, 'gap', `A:3@${t1}`]);
    expect(maybeLost(both.labels)).toEqual([`A:1@${t1}`, 'gap', `A:3@${t1}`, `A:4@${t2}`]);
    // The outage is reported once, not once per reconnection attempt.
    expect(reported.map(({ context }) => context)).toEqual(['connection']);
  });

  it('holds a publish while Redis is down up to commandTimeoutMs: timeout after it, sent if back in time', async () => {
    // Two buses, both knowing of the outage before they publish: one whose bound passes while
    // Redis is down, one whose bound (a failure guard) outlasts the restart on a loaded machine.
    const outage = (expected: number) => {
      let seen = 0;
      let noticed = () => {};
      const known = new Promise<void>((resolve) => {
        noticed = resolve;
      });
      // Both connections (publisher, subscriber) report the outage once: then it is known.
      const onError = (error: unknown, context: RedisBusErrorContext) => {
        reported.push({ error, context });
        seen += 1;
        if (seen === expected) noticed();
      };
      return { known, onError };
    };
    const timeoutMs = 300;
    const fastOutage = outage(2);
    const patientOutage = outage(2);
    const fast = await node({ commandTimeoutMs: timeoutMs, onError: fastOutage.onError });
    const patient = await node({ commandTimeoutMs: 30_000, onError: patientOutage.onError });
    const topic = freshTopic('blip');
    const recorder = new Recorder();
    await fast.subscribe(topic, recorder.handler);
    let down = true;
    try {
      await redis.kill();
      await Promise.all([fastOutage.known, patientOutage.known]);
      const started = performance.now();
      await expect(fast.publish(topic, testMessage('A', 1, topic))).rejects.toMatchObject({
        code: 'timeout',
        message: `PUBLISH ${topic}: no answer in 300 ms`,
      });
      // Not before its bound (the upper side is only a guard: a loaded machine is slow).
      expect(performance.now() - started).toBeGreaterThanOrEqual(timeoutMs - 5);

      // Queued while down, sent once the connection is back, within its bound.
      const held = patient.publish(topic, testMessage('B', 1, topic));
      await redis.restart();
      down = false;
      await held;
    } finally {
      if (down) await redis.restart();
    }
    await recorder.until((r) => r.count('gap') > 0, 'a gap');
    expect(reported.map(({ context }) => context)).toEqual([
      'connection',
      'connection',
      'connection',
      'connection',
    ]);
  });

  it('refuses publish and subscribe after close, with code closed', async () => {
    const bus = await node();
    await bus.close();
    await bus.close(); // twice: nothing
    const topic = freshTopic('closed');
    await expect(bus.publish(topic, testMessage('A', 1))).rejects.toMatchObject({ code: 'closed' });
    await expect(bus.subscribe(topic, new Recorder().handler)).rejects.toBeInstanceOf(
      RedisBusError,
    );
  });

  it('fails to start, within its bound, when Redis is unreachable', async () => {
    const closedPort = `redis://127.0.0.1:${await freeLoopbackPort()}`;
    const started = performance.now();
    await expect(
      createRedisBus(closedPort, { connectTimeoutMs: 300, onError: () => {} }),
    ).rejects.toMatchObject({ code: 'timeout' });
    // A guard (it gives up, never hangs), not a speed: a loaded machine is slow.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
