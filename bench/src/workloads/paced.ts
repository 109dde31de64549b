import type { BenchConfig, PacedSizes } from '../config.js';
import type { ServerHandle } from '../drivers/process.js';
import type { Connections, Driver, Publisher } from '../drivers/types.js';
import { closeAll, publishPaced, sleep } from './common.js';
import { startCpuMeter } from './cpu-meter.js';
import { Tracker } from './tracker.js';

export interface PacedRun {
  failure: string | undefined;
  /** Holds the latency of every delivery of a measured message. */
  tracker: Tracker;
  /** How busy the server was from the first measured publish until everything arrived. */
  serverCpuPct: number;
  /** The same for the load generator (at 100%, it may add to the latency it measures). */
  loadgenCpuPct: number;
}

/**
 * The latency pattern: `connect` opens `sizes.subscribers` subscribers (and waits until the
 * server counts them), then `rate` messages/s go out, warm-up ones first, until every measured
 * message reached everyone. Each delivery's latency is its arrival minus the publisher's send,
 * both timed in the load generator.
 */
export async function measurePaced(
  driver: Driver,
  server: ServerHandle,
  config: BenchConfig,
  sizes: PacedSizes,
  connect: (tracker: Tracker) => Promise<Connections>,
): Promise<PacedRun> {
  const { subscribers, rate, warmupMessages, messages } = sizes;
  const end = warmupMessages + messages;
  const tracker = new Tracker(subscribers, end, { latency: true });
  tracker.recordLatencyFrom = warmupMessages;
  let subs: Connections | undefined;
  let publisher: Publisher | undefined;
  try {
    subs = await connect(tracker);
    publisher = await driver.publisher(server, tracker);
    await publisher.prepare?.({ from: 0, to: end });
    const range = { from: 0, to: warmupMessages };
    await publishPaced(publisher, tracker, range, rate, config.bodyChars);
    // The measured messages keep the warm-up's rhythm: one period after its last one.
    if (warmupMessages > 0) await sleep(1000 / rate);
    const meter = await startCpuMeter(server);
    await publishPaced(
      publisher,
      tracker,
      { from: warmupMessages, to: end },
      rate,
      config.bodyChars,
    );
    await tracker.waitCompleted(end, config.deliveryTimeoutMs);
    const cpu = await meter.read();
    tracker.verify(end);
    return {
      failure: tracker.failure,
      tracker,
      serverCpuPct: cpu.serverPct,
      loadgenCpuPct: cpu.loadgenPct,
    };
  } finally {
    await closeAll(publisher, subs);
  }
}
