import type { BenchConfig } from '../config.js';
import { OFFICIAL_CLIENTS } from '../drivers/official.js';
import type { ServerHandle } from '../drivers/process.js';
import type { Connections, Driver } from '../drivers/types.js';
import { percentile } from '../stats.js';
import { awaitSubscribers, closeAll, offsetSink } from './common.js';
import { measurePaced } from './paced.js';
import type { Tracker } from './tracker.js';
import type { Workload } from './types.js';

/** How many subscribers use the official client: at most half, whatever --subscribers says. */
const officialCount = (c: BenchConfig) =>
  Math.min(c.officialSample.officialClients, Math.floor(c.officialSample.subscribers / 2));

/**
 * Connects `cheap` subscribers on the driver's client as tracker subscribers `0..cheap-1` and
 * `official` ones on the official client as `cheap..cheap+official-1`, interleaved: a share of
 * cheap ones, then one official, and so on. Servers write a message to a room's subscribers in
 * the order they joined, so a sample connected last would be served last and look slower.
 */
async function connectInterleaved(
  driver: Driver,
  server: ServerHandle,
  cheap: number,
  official: number,
  tracker: Tracker,
): Promise<Connections> {
  const client = OFFICIAL_CLIENTS[driver.name];
  const opened: Connections[] = [];
  try {
    const groups = Math.max(official, 1);
    for (let k = 0; k < groups; k++) {
      const from = Math.floor((k * cheap) / groups);
      const to = Math.floor(((k + 1) * cheap) / groups);
      opened.push(await driver.subscribe(server, to - from, offsetSink(tracker, from)));
      if (k < official)
        opened.push(await client.subscribe(server, 1, offsetSink(tracker, cheap + k)));
    }
  } catch (error) {
    await closeAll(...opened);
    throw error;
  }
  return { close: () => closeAll(...opened) };
}

/**
 * The cheap load clients checked against the official ones: the latency pattern (`rate`
 * msg/s into one room) with most subscribers on the bench's cheap client and a sample on the
 * system's official client (Confab SDK, `@trpc/client`; raw ws and Socket.IO already use
 * theirs) spread among them, all in the same room, run and integrity check. Reports each
 * group's p50 and p99: when they agree, the cheap clients measure what an application sees.
 */
export const officialSample: Workload = {
  name: 'official-sample',
  kind: 'shared',
  metrics: [
    {
      key: 'cheapP50Ms',
      label: (c) => {
        const { rate, subscribers } = c.officialSample;
        return `Sample: latency p50, ms, cheap clients (${subscribers - officialCount(c)} of ${subscribers} subs, ${rate} msg/s) ↓`;
      },
      digits: 1,
      ratio: false,
    },
    {
      key: 'officialP50Ms',
      label: (c) => `  same run, official clients (${officialCount(c)}): p50, ms ↓`,
      digits: 1,
      ratio: false,
    },
    { key: 'cheapP99Ms', label: () => '  cheap clients: p99, ms ↓', digits: 1, ratio: false },
    { key: 'officialP99Ms', label: () => '  official clients: p99, ms ↓', digits: 1, ratio: false },
  ],
  async run(driver, server, config) {
    const sizes = config.officialSample;
    const official = officialCount(config);
    const cheap = sizes.subscribers - official;
    const run = await measurePaced(driver, server, config, sizes, async (tracker) => {
      const subs = await connectInterleaved(driver, server, cheap, official, tracker);
      await awaitSubscribers(server, sizes.subscribers, tracker);
      return subs;
    });
    const cheapSamples = run.tracker.latencySamples({ from: 0, to: cheap });
    const officialSamples = run.tracker.latencySamples({ from: cheap, to: sizes.subscribers });
    return {
      failure: run.failure,
      metrics: {
        cheapP50Ms: percentile(cheapSamples, 50),
        officialP50Ms: percentile(officialSamples, 50),
        cheapP99Ms: percentile(cheapSamples, 99),
        officialP99Ms: percentile(officialSamples, 99),
      },
    };
  },
};
