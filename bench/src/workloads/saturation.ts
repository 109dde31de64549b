import type { BenchConfig, FanoutSizes } from '../config.js';
import type { ServerHandle } from '../drivers/process.js';
import type { Connections, Driver, Publisher } from '../drivers/types.js';
import { closeAll, publishSaturating } from './common.js';
import { startCpuMeter } from './cpu-meter.js';
import { Tracker } from './tracker.js';

export interface SaturationFigures {
  deliveriesPerSec: number;
  /** How busy the server process was meanwhile, % of one core. */
  serverCpuPct: number;
  /** How busy the load generator was meanwhile: ≥ 90 means it may have set the figure. */
  loadgenCpuPct: number;
}

/**
 * Fan-out at saturation with `sizes`: `connect` opens the subscribers (over
 * whichever transport the caller measures), then a closed-loop publisher keeps `window`
 * messages in flight, first for the warm-up messages, then for `durationMs`. Deliveries per
 * second count messages × subscribers up to the moment the last one reached everyone.
 */
export async function measureSaturation(
  driver: Driver,
  server: ServerHandle,
  config: BenchConfig,
  sizes: FanoutSizes,
  connect: (count: number, tracker: Tracker) => Promise<Connections>,
): Promise<{ failure: string | undefined; figures: SaturationFigures }> {
  const { subscribers, window, warmupMessages, durationMs, maxMessages } = sizes;
  const tracker = new Tracker(subscribers, warmupMessages + maxMessages);
  const timeout = config.deliveryTimeoutMs;
  let subs: Connections | undefined;
  let publisher: Publisher | undefined;
  try {
    subs = await connect(subscribers, tracker);
    publisher = await driver.publisher(server, tracker);
    await publisher.prepare?.({ from: 0, to: warmupMessages + maxMessages });
    const common = { window, bodyChars: config.bodyChars, stallTimeoutMs: timeout };
    const warm = await publishSaturating(publisher, tracker, {
      ...common,
      from: 0,
      to: warmupMessages,
      deadline: Number.POSITIVE_INFINITY,
    });
    await tracker.waitCompleted(warm, timeout);

    const meter = await startCpuMeter(server);
    const t0 = performance.now();
    const end = await publishSaturating(publisher, tracker, {
      ...common,
      from: warm,
      to: warmupMessages + maxMessages,
      deadline: t0 + durationMs,
    });
    await tracker.waitCompleted(end, timeout);
    const cpu = await meter.read();
    tracker.verify(end);
    return {
      failure: tracker.failure,
      figures: {
        deliveriesPerSec: ((end - warm) * subscribers) / cpu.seconds,
        serverCpuPct: cpu.serverPct,
        loadgenCpuPct: cpu.loadgenPct,
      },
    };
  } finally {
    await closeAll(publisher, subs);
  }
}
